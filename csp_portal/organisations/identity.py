"""One spelling of a person's e-mail address, shared by sign-in, the lockout and the audit.

If sign-in matched an address more loosely than the lockout counted it, every new spelling of the
address (capitals, surrounding spaces) would be a fresh set of attempts. So the address is
normalised once, here, and everything that compares addresses uses the result: the stored address
(``User.save``), the look-up at sign-in (an exact match), django-axes' lockout key
(``AXES_USERNAME_CALLABLE``), the sign-in audit and password-reset throttling.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.http import HttpRequest


def normalise_email(address: str) -> str:
    """The canonical spelling of ``address``: compatibility-normalised (NFKC, as Django normalises
    user names), without surrounding whitespace, in lower case.

    Lower case rather than Unicode case folding: addresses have always been stored lower-cased, and
    folding would also merge addresses a mail server keeps apart (``straße`` and ``strasse``). The
    choice cannot open a way round the lockout, because sign-in looks the account up by exact match
    on this same spelling: two spellings either normalise alike, and share one lockout count, or
    they name different accounts.
    """
    return unicodedata.normalize("NFKC", address).strip().lower()


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """django-axes' ``AXES_USERNAME_CALLABLE``: the normalised address an attempt is for, so that
    failures under any spelling count against the same account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    address = credentials.get(field) if credentials else request.POST.get(field)
    if not isinstance(address, str):
        return None
    return normalise_email(address)
