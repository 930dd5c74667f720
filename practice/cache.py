"""The shared cache, which may be down without taking sign-in down with it."""

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    """Redis for allauth's rate limits and used TOTP codes; when Redis is away, carry on.

    The cache only slows attackers down (rate limits) and refuses a TOTP code twice; losing
    that for a while is better than refusing every log-in, sign-up and password reset with a
    500. Each failure logs a warning (the operation only, never the key: keys can hold e-mail
    digests) so the outage is seen.
    """

    def _unavailable(self, operation: str, error: RedisError) -> None:
        logger.warning(
            "Cache unavailable (%s: %s); rate limits are not applied until it is back.",
            operation,
            type(error).__name__,
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._unavailable("get_many", error)
            return {}

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("add", error)
            return True  # as if stored, so allauth's lock is "taken" and the request goes on

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("set", error)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._unavailable("delete", error)
            return False

    def clear(self) -> None:
        try:
            super().clear()
        except RedisError as error:
            self._unavailable("clear", error)
