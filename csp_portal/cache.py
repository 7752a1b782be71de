"""A Redis cache that degrades to a miss when Redis cannot be reached.

The cache only ever holds what can be computed again, so a Redis outage must cost speed, not
pages: a failed read is a miss, a failed write is dropped, and each failure is logged.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(fallback):
    """Run the cache method; when Redis is unreachable, log it and answer ``fallback(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def tolerant(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                log.warning("cache %s skipped, Redis is unreachable: %s", method.__name__, error)
                return fallback(*args, **kwargs)

        return tolerant

    return decorate


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answering as an empty cache while Redis is down."""

    @_tolerant(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_tolerant(lambda *args, **kwargs: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_tolerant(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_tolerant(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_tolerant(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_tolerant(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_tolerant(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_tolerant(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_tolerant(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_tolerant(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
