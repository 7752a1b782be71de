"""Signing in with one's own organisation's account (OpenID Connect).

mozilla-django-oidc runs the authorization-code flow (state, nonce, PKCE, the token request). This
module adds what a portal shared by many organisations needs on top of it:

- the provider is found by discovery (``OIDC_DISCOVERY_URL``), Microsoft Entra ID's multi-tenant
  document included, whose issuer is the template ``https://login.microsoftonline.com/{tenantid}/v2.0``;
- every ID token is checked in full: signature against the provider's keys, audience, expiry,
  issuer (the template filled with the token's own ``tid``) and nonce. The library itself checks
  neither audience nor issuer;
- the issuer must be on the allow-list of sign-in organisations, each tied to a partner agency;
- a person is found by their linked account at that organisation, else by a verified e-mail
  address, and is created (with no role) only where the organisation allows it
  (``services.person_for_organisation_sign_in``).

Anything refused raises ``SignInRefused``, whose reason the callback page shows and the sign-in
audit records.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import SignInOrganisation

TENANT_PLACEHOLDER = "{tenantid}"
# Asymmetric algorithms only: a token signed with 'none' or with a shared secret is never accepted.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
DISCOVERY_CACHE_SECONDS = 60 * 60


class SignInRefused(Exception):
    """A sign-in through an organisation refused, with the reason shown to the person."""

    def __init__(self, reason: str, *, organisation: SignInOrganisation | None = None, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.organisation = organisation
        self.email = email


@dataclass(frozen=True)
class Provider:
    """What discovery says about the configured provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    algorithms: tuple[str, ...]

    def expected_issuer(self, claims: dict) -> str:
        """The issuer a token must name: the provider's, or for a multi-tenant document, its
        template filled with the tenant the token says it comes from."""
        if TENANT_PLACEHOLDER in self.issuer:
            return self.issuer.replace(TENANT_PLACEHOLDER, str(claims.get("tid", "")))
        return self.issuer


def is_configured() -> bool:
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_RP_CLIENT_ID)


def provider() -> Provider:
    """The provider's discovery document, fetched once an hour. Raises SignInRefused when it cannot be read."""
    url = settings.OIDC_DISCOVERY_URL
    key = f"oidc-discovery:{url}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused(
                "The organisation sign-in service could not be reached. Try again in a few minutes, or sign in "
                "with your e-mail address and password."
            ) from error
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=document.get("userinfo_endpoint", ""),
        algorithms=tuple(a for a in offered if a in ACCEPTED_ALGORITHMS),
    )


def used_second_factor(claims: dict) -> bool:
    """Whether the provider says the person used more than one factor (the ``amr`` claim, RFC 8176)."""
    methods = claims.get("amr") or []
    return isinstance(methods, list) and any(m in settings.OIDC_MFA_METHODS for m in methods)


def _token_claims(token: str, *, key, algorithm: str, provider_: Provider, nonce: str | None) -> dict:
    """The ID token's claims once its signature, audience, expiry, issuer and nonce are checked."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.OIDC_RP_CLIENT_ID,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
        )
    except jwt.ExpiredSignatureError as error:
        raise SignInRefused("The sign-in had expired before it reached the portal. Start again.") from error
    except jwt.InvalidAudienceError as error:
        raise SignInRefused("The organisation's token was issued for another application, not this portal.") from error
    except jwt.InvalidSignatureError as error:
        raise SignInRefused("The organisation's token was not signed by its sign-in service.") from error
    except jwt.PyJWTError as error:
        raise SignInRefused(f"The organisation's token could not be checked: {error}.") from error
    if not nonce or claims.get("nonce") != nonce:
        raise SignInRefused("The organisation's token does not belong to this sign-in. Start again.")
    if claims["iss"] != provider_.expected_issuer(claims):
        raise SignInRefused("The organisation's token names an issuer other than its sign-in service.")
    return claims


class OrganisationSignInBackend(OIDCAuthenticationBackend):
    """Django's authentication backend for the organisation sign-in. Listed always; it signs nobody
    in unless a provider is configured, and answers only the callback of an organisation sign-in."""

    def __init__(self, *args, **kwargs):
        # The library reads every setting here and fails when one is missing; they are set per
        # sign-in from discovery instead (authenticate).
        self.UserModel = get_user_model()
        self.organisation: SignInOrganisation | None = None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not is_configured():
            return None
        self.provider = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            raise SignInRefused(
                "The organisation sign-in service refused to complete the sign-in. Start again.",
                organisation=self.organisation,
            ) from error

    def verify_token(self, token, **kwargs):
        if not token:
            raise SignInRefused("The organisation sign-in service sent no ID token.")
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as error:
            raise SignInRefused("The organisation's token is not a signed token.") from error
        if algorithm not in self.provider.algorithms:
            raise SignInRefused(f"The organisation's token is signed with {algorithm}, which is not accepted here.")
        self.OIDC_RP_SIGN_ALGO = algorithm
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError) as error:
            raise SignInRefused("The token was signed with a key its sign-in service does not publish.") from error
        claims = _token_claims(token, key=key, algorithm=algorithm, provider_=self.provider, nonce=kwargs.get("nonce"))
        self.organisation = (
            SignInOrganisation.objects.select_related("agency").filter(issuer=claims["iss"], is_allowed=True).first()
        )
        if self.organisation is None:
            raise SignInRefused(
                "Your organisation is not on this portal's list of organisations whose people sign in with their "
                f"own account (its issuer is {claims['iss']}). Ask a site administrator to add it, or sign in with "
                "your e-mail address and password.",
                email=str(claims.get("email", "")),
            )
        self.request.sign_in_organisation = self.organisation
        self.request.second_factor_by_provider = used_second_factor(claims)
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims; the user-info endpoint only when the token names no address."""
        claims = dict(payload)
        if not (claims.get("email") or claims.get("preferred_username")) and self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if extra.get("sub") == claims["sub"]:
                claims = {**extra, **claims}
        return claims

    def get_user(self, user_id):
        # Django's own rule for the signed-in session, which the library's drops: a person switched
        # off is signed out at their next request, however they signed in.
        return ModelBackend.get_user(self, user_id)

    def get_or_create_user(self, access_token, id_token, payload):
        from . import services

        claims = self.get_userinfo(access_token, id_token, payload)
        return services.person_for_organisation_sign_in(self.organisation, claims)
