"""How fresh what is computed from a partnership's data is: a token per partnership, replaced when
that data changes, for caches keyed on it (the report snapshot the dashboard shows, for one).

A change marks its partnerships at once, so the transaction that made it reads it back, and again
once it commits, so that what a reader built from the data before the commit, under the token
between the two, is never read. The tokens live in the cache (Redis) beside what
they guard; a token that is missing (never set, evicted, Redis restarted) is replaced by a new one,
so a lost token can only cost a rebuild, never serve stale data. ``changed_everywhere`` is for what
every partnership reads (people's names, the councils, imported crime counts).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

_PARTNERSHIP = "data-token:partnership:{}"
_EVERYWHERE = "data-token:everywhere"
# Long enough to outlive what they guard, whose own time limits are shorter.
TOKEN_SECONDS = 7 * 24 * 60 * 60


def token(partnership_id: int) -> str:
    """The token of the partnership's data as it is now: one cache round trip when both are set."""
    keys = [_EVERYWHERE, _PARTNERSHIP.format(partnership_id)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), TOKEN_SECONDS)
            found[key] = cache.get(key) or ""
    return "-".join(found[key] for key in keys)


def changed(partnership_ids: Iterable[int | None]) -> None:
    """The data of these partnerships changes in the current transaction: new tokens now and once it
    commits."""
    keys = {_PARTNERSHIP.format(pk) for pk in partnership_ids if pk is not None}
    if keys:
        _replace(keys)
        transaction.on_commit(lambda: _replace(keys))


def changed_everywhere() -> None:
    _replace({_EVERYWHERE})
    transaction.on_commit(lambda: _replace({_EVERYWHERE}))


def _replace(keys: set[str]) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, TOKEN_SECONDS)
