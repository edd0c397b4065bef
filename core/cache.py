"""The Redis cache, failing soft.

Only rate limits (DRF throttles: token login, family sync) and other disposable values live in
the cache; nothing is lost when it is gone. So when Redis does not answer, a read is a miss
and a write is dropped, with one warning line per process every 30 seconds, instead of an
HTML 500 for every login (issue 16, point 8). Lockout after wrong passwords does not depend on
it: django-axes counts failures in the database. /healthz reports the cache as down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 30.0
_last_warning = 0.0

T = TypeVar("T")


def _fail_soft(fallback: Callable[..., Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @wraps(method)
        def wrapper(self: FailSoftRedisCache, *args: Any, **kwargs: Any) -> T:
            try:
                return method(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as error:
                _warn(method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "cache unavailable (%s: %s): rate limits are not applied until Redis answers",
            operation,
            error,
        )


def _default(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _empty(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _all_failed(data: dict[str, Any], *args: Any, **kwargs: Any) -> list[str]:
    return list(data)


def _incr_missing(key: str, *args: Any, **kwargs: Any) -> int:
    raise ValueError(f"Key '{key}' not found")  # what Django's cache says for a miss


class _KeptHere:
    """The answers this process last used, by key, each until the time the shared cache keeps
    it: a bounded LRU in front of Redis for `kept`. Only for keys that change whenever what the
    value was computed from changes (fact tokens), so a value found here is as true as one
    found in Redis; what it saves is a round trip and an unpickling per read, most of what a
    kept family read cost beyond its SQL statement on two shared cores (issue 14, bench/).
    Values are shared between requests: callers must not change them."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, value: Any, seconds: int, limit: int) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_kept_here = _KeptHere()


def kept(key: str, compute: Callable[[], T | None], seconds: int) -> T | None:
    """The value kept under `key`, else `compute()` kept for `seconds` (None is not kept:
    it means "nothing to answer", a 404). For answers keyed by fact tokens (core/facts.py),
    whose key changes whenever a fact they are computed from does. With Redis, looked up in
    this process first (KEPT_HERE_ENTRIES answers at most; 0 turns that off)."""
    from django.conf import settings
    from django.core.cache import caches

    cache = caches["default"]
    # Only in front of a shared cache: the embedded default's is this process's memory already.
    limit = settings.KEPT_HERE_ENTRIES if isinstance(cache, FailSoftRedisCache) else 0
    value = _kept_here.get(key) if limit else None
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, seconds)
    if value is not None and limit:
        _kept_here.put(key, value, seconds, limit)
    return value


def forget_kept_here() -> None:
    """Empty this process's kept answers (FailSoftRedisCache.clear does, with the shared
    cache)."""
    _kept_here.clear()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One redis.Redis per connection pool, kept. Django builds a new client for every cache
    call, and with it a table of some 170 response callbacks: 0.1 ms of Python per call,
    more than a GET's round trip on loopback (issue 14, bench/). A client holds no
    connection of its own (each command borrows one from the pool), so one is shared by
    threads; the pool itself reconnects after a fork."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_soft(_default)(RedisCache.get)
    set = _fail_soft(_none)(RedisCache.set)
    add = _fail_soft(_false)(RedisCache.add)
    touch = _fail_soft(_false)(RedisCache.touch)
    delete = _fail_soft(_false)(RedisCache.delete)
    has_key = _fail_soft(_false)(RedisCache.has_key)
    incr = _fail_soft(_incr_missing)(RedisCache.incr)
    get_many = _fail_soft(_empty)(RedisCache.get_many)
    set_many = _fail_soft(_all_failed)(RedisCache.set_many)
    delete_many = _fail_soft(_none)(RedisCache.delete_many)
    _clear = _fail_soft(_false)(RedisCache.clear)

    def clear(self) -> None:
        forget_kept_here()  # what this process kept from the shared cache goes with it
        self._clear()

    def incr_with_expiry(self, keys: list[tuple[str, int]]) -> list[int]:
        """Count one hit on each (key, seconds) window in a single round trip (a pipeline of
        INCR and EXPIRE NX), where add-then-incr costs two per window. Fail-soft: when Redis
        does not answer, every count is 0 (the limit is not applied, as for the rest)."""
        try:
            pipe = self._cache.get_client(write=True).pipeline(transaction=False)
            for key, seconds in keys:
                full_key = self.make_and_validate_key(key)
                pipe.incr(full_key)
                pipe.expire(full_key, seconds, nx=True)
            return [int(n) for n in pipe.execute()[::2]]
        except (RedisConnectionError, RedisTimeoutError) as error:
            _warn("incr_with_expiry", error)
            return [0 for _ in keys]
