"""A rate limit per client that never keeps the client's IP address.

A client is known only by an HMAC-SHA256 of its IP (as ``core.middleware.client_ip`` reads it,
behind the trusted proxies only), computed with a secret derived from ``SECRET_KEY`` and the
current time window. Each window has its own secret, so a key cannot be linked to the same
client's key in another window, and the IP cannot be recovered from it. The counts live only
in Django's cache (Redis in production, through ``CACHE_URL``) and expire with their window.

    @ratelimit(key="answers", rate="10/h")
    def answer(request, ...): ...

A request over the limit gets ``templates/429.html`` with a ``Retry-After`` header. The rate in
``settings.REGIA_RATELIMIT_RATES[key]``, when set, wins over the one in the decorator, so that
an installation tunes it through the environment.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.encoding import force_bytes

from core.middleware import client_ip

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_UNKNOWN_CLIENT = "unknown"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """``"10/h"`` → ten per hour; also ``s``, ``m``, ``d``, and a number of units: ``"5/15m"``."""
    count, _sep, period = rate.partition("/")
    unit = period[-1:]
    multiplier = period[:-1] or "1"
    if not count.isdigit() or unit not in _PERIODS or not multiplier.isdigit():
        raise ValueError(f"Not a rate: {rate!r} (write it as 10/h, 5/15m, 100/d).")
    return Rate(count=int(count), seconds=int(multiplier) * _PERIODS[unit])


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The current window's number and the seconds left in it."""
    number = int(now // rate.seconds)
    left = (number + 1) * rate.seconds - now
    return number, max(1, math.ceil(left))


def client_key(request, *, scope: str, rate: Rate, now: float | None = None) -> str:
    """The cache key counting this client's requests in ``scope`` during the current window."""
    number, _left = _window(rate, time.time() if now is None else now)
    # The window's own secret: SECRET_KEY, the scope and the window, never stored.
    secret = hmac.new(
        force_bytes(settings.SECRET_KEY),
        force_bytes(f"regia.ratelimit:{scope}:{rate.seconds}:{number}"),
        hashlib.sha256,
    ).digest()
    ip = client_ip(request) or _UNKNOWN_CLIENT
    digest = hmac.new(secret, force_bytes(ip), hashlib.sha256).hexdigest()
    return f"regia:ratelimit:{scope}:{digest}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def hit(request, *, scope: str, rate: str, now: float | None = None) -> Verdict:
    """Count one request of this client in ``scope``; over the limit, say when to come back."""
    parsed = parse_rate(rate)
    now = time.time() if now is None else now
    _number, left = _window(parsed, now)
    key = client_key(request, scope=scope, rate=parsed, now=now)
    # add() then incr(): atomic in Redis, so concurrent requests cannot slip past the limit.
    cache.add(key, 0, timeout=left)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=left)
        count = 1
    return Verdict(allowed=count <= parsed.count, retry_after=left)


def too_many_requests(request, retry_after: int):
    """The 429 page: what happened and in how many minutes to try again."""
    response = render(
        request,
        "429.html",
        {"retry_minutes": max(1, math.ceil(retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(*, key: str, rate: str, methods: tuple[str, ...] = ("POST",)):
    """Limit a view to ``rate`` requests per client in ``methods`` (by default only POST, so
    that reading a form is free and only sending it counts)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                effective = getattr(settings, "REGIA_RATELIMIT_RATES", {}).get(key) or rate
                verdict = hit(request, scope=key, rate=effective)
                if not verdict.allowed:
                    return too_many_requests(request, verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
