"""How a request to the API says who asks: ``Authorization: Bearer <secret>``, a personal access
token, and nothing else. Browser sessions do not sign the API in, so no request to it rides on a
cookie and none needs a CSRF token."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from . import services
from .queries import live_token


class AccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give one token after 'Bearer', with no spaces in it.")
        try:
            secret = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("The token is not one the portal made.") from error
        token = live_token(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked token. Make a new one on your account page.")
        if not token.person.is_active:
            raise exceptions.AuthenticationFailed("The token's owner is switched off.")
        services.record_use(token)
        return token.person, token

    def authenticate_header(self, request) -> str:
        # A 401 (not a 403) when no token or a bad one is given, saying how to give one.
        return f'{self.keyword} realm="api"'
