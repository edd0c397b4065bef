"""Typed reading of environment variables for settings: one helper per type, each refusing a
value it cannot read (ImproperlyConfigured naming the variable) instead of guessing. A typo in
DJANGO_DEBUG=flase stops the process rather than silently meaning False."""

import os
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

N = TypeVar("N", int, float)

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or not value.strip() else value.strip()


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not {expected}")


def env_str(name: str, default: str = "") -> str:
    """The value as set (an empty value counts as set), else `default`."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise _refuse(name, value, "a boolean (1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    return _number(name, default, int, "a whole number", minimum)


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    return _number(name, default, float, "a number", minimum)


def _number(name: str, default: N, parse: Callable[[str], N], kind: str, minimum: N | None) -> N:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = parse(value)
    except ValueError:
        raise _refuse(name, value, kind) from None
    if number != number:  # NaN
        raise _refuse(name, value, kind)
    if minimum is not None and number < minimum:
        raise _refuse(name, value, f"{kind} of at least {minimum}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; spaces around items and empty items are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_pairs(name: str) -> dict[str, str]:
    """ "KEY:value,KEY2:value2" as a dict; an item without a colon is refused."""
    pairs = {}
    for item in env_list(name):
        key, sep, value = item.partition(":")
        if not sep or not key.strip() or not value:
            raise _refuse(name, "…", "a list of KEY:value items separated by commas")
        pairs[key.strip()] = value
    return pairs
