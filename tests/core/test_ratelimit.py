"""core.ratelimit: counts per client in the cache, under a rotating HMAC of the IP only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import translation

from core import ratelimit as rl

IP = "198.51.100.23"
NOW = 1_800_000_000.0  # a fixed instant, 20 minutes into its hour


def _request(ip=IP, method="post", **extra):
    request = getattr(RequestFactory(), method)("/", REMOTE_ADDR=ip, **extra)
    request.user = AnonymousUser()
    return request


@rl.ratelimit(key="test", rate="3/h")
def view(request):
    return HttpResponse("ok")


def test_parse_rate_reads_count_and_period():
    assert rl.parse_rate("10/h") == rl.Rate(10, 3600)
    assert rl.parse_rate("5/15m") == rl.Rate(5, 900)
    assert rl.parse_rate("100/d") == rl.Rate(100, 86400)
    for bad in ("10", "ten/h", "10/w", "10/xh", ""):
        with pytest.raises(ValueError):
            rl.parse_rate(bad)


def test_requests_beyond_the_rate_get_429_with_retry_after(db):
    for _attempt in range(3):
        assert view(_request()).status_code == 200

    response = view(_request())

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600


def test_the_429_page_says_in_italian_when_to_try_again(db):
    for _attempt in range(3):
        view(_request())

    with translation.override("it"):
        response = view(_request())

    content = response.content.decode()
    assert "Troppe richieste: riprova tra" in content
    assert "minut" in content


def test_reading_the_form_is_not_counted(db):
    for _attempt in range(10):
        assert view(_request(method="get")).status_code == 200


def test_clients_are_counted_apart(db):
    for _attempt in range(3):
        view(_request())

    assert view(_request()).status_code == 429
    assert view(_request(ip="198.51.100.24")).status_code == 200


@override_settings(REGIA_RATELIMIT_RATES={"test": "1/h"})
def test_the_rate_in_settings_wins_over_the_decorators(db):
    assert view(_request()).status_code == 200
    assert view(_request()).status_code == 429


def test_the_cache_key_is_an_hmac_not_the_ip():
    rate = rl.parse_rate("3/h")
    rl.hit(_request(), scope="test", rate="3/h", now=NOW)

    key = rl.client_key(_request(), scope="test", rate=rate, now=NOW)

    assert IP not in key
    digest = key.rsplit(":", 1)[1]
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert cache.get(key) == 1
    # Nothing else in the cache holds the address.
    stored = cache._cache  # locmem's store: the only place counts live in tests
    assert all(IP not in str(stored_key) for stored_key in stored)
    assert all(IP.encode() not in value for value in stored.values() if isinstance(value, bytes))


def test_the_key_rotates_with_the_window_and_cannot_be_linked():
    rate = rl.parse_rate("3/h")
    this_hour = rl.client_key(_request(), scope="test", rate=rate, now=NOW)
    same_hour = rl.client_key(_request(), scope="test", rate=rate, now=NOW + 60)
    next_hour = rl.client_key(_request(), scope="test", rate=rate, now=NOW + 3600)

    assert this_hour == same_hour
    assert this_hour != next_hour


def test_a_new_window_starts_a_new_count():
    for _attempt in range(3):
        assert rl.hit(_request(), scope="test", rate="3/h", now=NOW).allowed
    assert not rl.hit(_request(), scope="test", rate="3/h", now=NOW).allowed

    assert rl.hit(_request(), scope="test", rate="3/h", now=NOW + 3600).allowed


def test_retry_after_is_the_rest_of_the_window():
    verdict = rl.hit(_request(), scope="test", rate="3/h", now=NOW)

    assert verdict.retry_after == 3600 - int(NOW % 3600)


def test_the_key_depends_on_the_secret_key():
    rate = rl.parse_rate("3/h")
    key = rl.client_key(_request(), scope="test", rate=rate, now=NOW)

    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert rl.client_key(_request(), scope="test", rate=rate, now=NOW) != key


@override_settings(REGIA_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_client_is_counted_not_a_forged_entry(db):
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
    for number in range(3):
        request = _request(ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"9.9.9.{number}, 203.0.113.7")
        assert view(request).status_code == 200

    assert view(_request(ip="10.0.0.1", **forged)).status_code == 429
