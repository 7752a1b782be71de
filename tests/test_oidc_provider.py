"""The test OpenID Connect provider on its own, without the portal: its discovery documents, a whole
authorization-code flow with PKCE and a nonce whose ID token verifies against its published keys,
and the tampered tokens the portal's refusal tests rely on."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from .oidc_provider import ALLOWED_TENANT, OTHER_TENANT, TestProvider

REDIRECT_URI = "http://testserver/cb"


@dataclass
class SignIn:
    tenant: str
    callback_url: str
    id_token: str
    access_token: str
    nonce: str


def discovery(url: str) -> dict:
    response = requests.get(url, timeout=5)
    response.raise_for_status()
    return response.json()


def sign_in(provider: TestProvider, tenant: str, email: str, name: str = "", mfa: bool = False) -> SignIn:
    """The portal's side of the flow: authorize with PKCE S256 and a nonce, sign in, then redeem the
    code at the token endpoint with client_secret_post."""
    endpoints = discovery(provider.discovery_url(tenant))
    verifier, state, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "client_id": provider.CLIENT_ID,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": REDIRECT_URI,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    callback_url = provider.sign_in_without_browser(
        f"{endpoints['authorization_endpoint']}?{urlencode(query)}", email, name=name, mfa=mfa
    )
    assert callback_url.startswith(f"{REDIRECT_URI}?")
    answer = parse_qs(urlsplit(callback_url).query)
    assert answer["state"] == [state]
    token = requests.post(
        endpoints["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": answer["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": provider.CLIENT_ID,
            "client_secret": provider.CLIENT_SECRET,
        },
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return SignIn(tenant, callback_url, token.json()["id_token"], token.json()["access_token"], nonce)


def verified_claims(provider: TestProvider, signed_in: SignIn) -> dict:
    """The ID token's claims, checked as the portal checks them: signature by the published key,
    audience, issuer and expiry."""
    jwks_uri = discovery(provider.discovery_url(signed_in.tenant))["jwks_uri"]
    key = jwt.PyJWKClient(jwks_uri).get_signing_key_from_jwt(signed_in.id_token)
    return jwt.decode(
        signed_in.id_token,
        key,
        algorithms=["RS256"],
        audience=provider.CLIENT_ID,
        issuer=provider.issuer(signed_in.tenant),
    )


def test_each_tenant_has_its_own_issuer_and_endpoints(oidc_provider):
    document = discovery(oidc_provider.discovery_url(ALLOWED_TENANT))
    issuer = oidc_provider.issuer(ALLOWED_TENANT)
    assert document["issuer"] == issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        assert document[endpoint].startswith(f"{issuer}/")
    assert "client_secret_post" in document["token_endpoint_auth_methods_supported"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert discovery(oidc_provider.discovery_url(OTHER_TENANT))["issuer"] == oidc_provider.issuer(OTHER_TENANT)


def test_the_multi_tenant_document_has_entras_issuer_template(oidc_provider):
    tenant_document = discovery(oidc_provider.discovery_url(ALLOWED_TENANT))
    document = discovery(oidc_provider.multi_tenant_discovery_url(ALLOWED_TENANT))
    assert document["issuer"] == f"{oidc_provider.base_url}/{{tenantid}}/v2.0"
    assert document | {"issuer": tenant_document["issuer"]} == tenant_document


def test_a_code_flow_gives_a_verifiable_id_token_with_the_sign_in_details(oidc_provider):
    signed_in = sign_in(oidc_provider, ALLOWED_TENANT, "ann.other@lancaster.example", name="Ann Other", mfa=True)
    claims = verified_claims(oidc_provider, signed_in)
    assert claims["aud"] == "csp-portal"
    assert claims["tid"] == ALLOWED_TENANT
    assert claims["nonce"] == signed_in.nonce
    assert claims["amr"] == ["pwd", "mfa"]
    assert len(claims["sub"]) == 32 and claims["sub"] != "ann.other@lancaster.example"
    assert claims["email"] == claims["preferred_username"] == "ann.other@lancaster.example"
    assert claims["email_verified"] is True
    assert claims["name"] == "Ann Other"
    assert oidc_provider.last_callback_url() == signed_in.callback_url
    userinfo_endpoint = discovery(oidc_provider.discovery_url(ALLOWED_TENANT))["userinfo_endpoint"]
    userinfo = requests.get(userinfo_endpoint, headers={"Authorization": f"Bearer {signed_in.access_token}"}, timeout=5)
    assert userinfo.status_code == 200, userinfo.text
    person = ("sub", "tid", "email", "email_verified", "name", "preferred_username")
    assert userinfo.json() == {key: claims[key] for key in person}


def test_an_unverified_address_without_a_second_factor_in_another_tenant(oidc_provider):
    elsewhere = verified_claims(oidc_provider, sign_in(oidc_provider, OTHER_TENANT, "unverified.person@other.example"))
    here = verified_claims(oidc_provider, sign_in(oidc_provider, ALLOWED_TENANT, "unverified.person@other.example"))
    assert elsewhere["tid"] == OTHER_TENANT
    assert elsewhere["email_verified"] is False
    assert elsewhere["amr"] == ["pwd"]
    assert elsewhere["name"] == "Unverified Person"
    assert elsewhere["sub"] != here["sub"], "the same address in two tenants is two people"
    again = verified_claims(oidc_provider, sign_in(oidc_provider, OTHER_TENANT, "unverified.person@other.example"))
    assert again["sub"] == elsewhere["sub"]


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [
        ("wrong-audience", jwt.InvalidAudienceError),
        ("expired", jwt.ExpiredSignatureError),
        ("bad-signature", jwt.InvalidSignatureError),
    ],
)
def test_a_tampered_token_is_refused_and_the_next_is_normal(oidc_provider, kind, refusal):
    oidc_provider.tamper_next_token(kind)
    tampered = sign_in(oidc_provider, ALLOWED_TENANT, "officer@lancaster.example")
    with pytest.raises(refusal):
        verified_claims(oidc_provider, tampered)
    assert verified_claims(oidc_provider, sign_in(oidc_provider, ALLOWED_TENANT, "officer@lancaster.example"))
