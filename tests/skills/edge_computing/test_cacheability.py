"""Exact rules of shared-cache eligibility, TTL advice and the bounded replay."""

from __future__ import annotations

import pytest

from perfpilot.evidence.access_headers import cache_headers
from perfpilot.evidence.models import AccessLogEntry, HttpCacheHeaders
from perfpilot.skills.edge_computing.cacheability import endpoint_cacheability, origin_ttl, response_verdict
from perfpilot.skills.edge_computing.freshness import advise_ttl, chosen_ttl
from perfpilot.skills.edge_computing.replay import replay


def _entry(
    line: int = 1,
    path: str = "/api/items",
    at: float | None = 1000.0,
    method: str = "GET",
    size: int = 100,
    **headers: object,
) -> AccessLogEntry:
    return AccessLogEntry(
        timestamp=at,
        method=method,
        path=path,
        status=200,
        bytes_sent=size,
        line=line,
        headers=HttpCacheHeaders(**headers) if headers else None,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("entry", "verdict", "reason"),
    [
        (_entry(), "shared", ""),
        (_entry(method="POST"), "no_store", "POST is not cacheable"),
        (_entry(path="/api/users/7/cart"), "private", "the path names a user's data"),
        (_entry(cache_control="no-store, max-age=60"), "no_store", "Cache-Control: no-store"),
        (_entry(vary="*"), "no_store", "Vary: *"),
        (_entry(cache_control="private, max-age=60"), "private", "Cache-Control: private"),
        (_entry(set_cookie=True), "private", "the response sets a cookie"),
        (_entry(vary="Accept-Encoding, Cookie"), "private", "Vary: cookie"),
        (
            _entry(authorization=True),
            "private",
            "the request carried Authorization and the response is not marked public",
        ),
        (_entry(authorization=True, cache_control="public, max-age=30"), "shared", ""),
        (_entry(authorization=True, cache_control="s-maxage=30"), "shared", ""),
        (_entry(cookie=True, cache_control="max-age=30"), "shared", ""),
        (_entry(vary="Accept-Encoding"), "shared", ""),
    ],
)
def test_response_verdict(entry: AccessLogEntry, verdict: str, reason: str) -> None:
    assert response_verdict(entry) == (verdict, reason)


def test_origin_ttl_prefers_s_maxage_then_max_age_then_expires() -> None:
    assert origin_ttl(HttpCacheHeaders(cache_control="max-age=60, s-maxage=300"), 0) == 300
    assert origin_ttl(HttpCacheHeaders(cache_control="public, max-age=60"), 0) == 60
    expires = HttpCacheHeaders(expires="Sun, 06 Dec 2026 12:01:00 GMT")
    assert origin_ttl(expires, 1796558400.0) == 60  # 12:00:00 GMT
    assert origin_ttl(HttpCacheHeaders(expires="0"), 1796558400.0) == 0  # invalid: already expired
    assert origin_ttl(HttpCacheHeaders(etag='"a"'), 0) is None


def test_one_per_user_response_keeps_the_endpoint_out_of_a_shared_cache() -> None:
    entries = (_entry(1, etag='"a"'), _entry(2, etag='"a"', set_cookie=True), _entry(3, etag='"a"'))
    found = endpoint_cacheability(entries)
    assert (found.verdict, found.reasons, found.headers_logged) == (
        "private",
        ("the response sets a cookie",),
        True,
    )


def test_without_logged_headers_the_verdict_comes_from_request_facts() -> None:
    found = endpoint_cacheability((_entry(1), _entry(2)))
    assert (found.verdict, found.headers_logged, found.validators, found.origin_ttl_s) == (
        "shared",
        False,
        False,
        None,
    )


def test_ttl_advice_follows_the_shortest_lived_version() -> None:
    entries = tuple(
        _entry(i, at=1000.0 + 10 * i, etag=f'"v{0 if i < 3 else 1 if i < 4 else 2}"') for i in range(8)
    )
    advice = advise_ttl(entries)
    assert (advice.basis, advice.changes, advice.shortest_version_s, advice.ttl_s) == ("etag", 2, 10.0, 10)
    assert chosen_ttl(advice, 300) == 10  # the origin's 300 s is contradicted by a 10 s version
    steady = advise_ttl(tuple(_entry(i, at=1000.0 + 10 * i, etag='"v"') for i in range(8)))
    assert (steady.changes, steady.ttl_s) == (0, 70)
    assert chosen_ttl(steady, 300) == 300  # nothing observed contradicts the origin's TTL


def test_body_size_is_the_weak_basis_without_validators() -> None:
    entries = tuple(_entry(i, at=1000.0 + i, size=100 if i < 5 else 120) for i in range(10))
    advice = advise_ttl(entries)
    assert (advice.basis, advice.changes, advice.ttl_s) == ("body_size", 1, 5)
    assert "weak" in advice.explain()


def test_replay_evicts_least_recently_used_by_entries_and_bytes() -> None:
    paths = ["/a", "/b", "/a", "/c", "/b", "/a"]
    entries = [_entry(i, path=p, at=1000.0 + i, size=100) for i, p in enumerate(paths)]
    unbounded = replay(entries, lambda e: 60.0, max_entries=10, max_bytes=10_000)
    assert [unbounded.hits[i] for i in range(6)] == [False, False, True, False, True, True]
    two = replay(entries, lambda e: 60.0, max_entries=2, max_bytes=10_000)
    # /c evicts /b (least recently used after /a's hit); /b then evicts /a, and /a evicts /c
    assert [two.hits[i] for i in range(6)] == [False, False, True, False, False, False]
    assert two.evictions == 3
    by_bytes = replay(entries, lambda e: 60.0, max_entries=10, max_bytes=200)
    assert [by_bytes.hits[i] for i in range(6)] == [two.hits[i] for i in range(6)]


def test_replay_expires_entries_after_their_ttl_and_skips_unstorable() -> None:
    entries = [_entry(i, path="/a", at=1000.0 + 30 * i) for i in range(4)]
    result = replay(entries, lambda e: 45.0, max_entries=10, max_bytes=10_000)
    assert [result.hits[i] for i in range(4)] == [False, True, False, True]
    never = replay(entries, lambda e: None, max_entries=10, max_bytes=10_000)
    assert not any(never.hits.values())


def test_json_log_keys_give_headers_and_secrets_only_as_presence() -> None:
    record = {
        "sent_http_cache_control": "public, max-age=60",
        "upstream_http_etag": '"x"',
        "sent_http_last_modified": "-",
        "http_authorization": "Bearer abc",
        "sent_http_set_cookie": "",
        "cookie": "0",
    }
    found = cache_headers(record)
    assert found == HttpCacheHeaders(
        cache_control="public, max-age=60", etag='"x"', authorization=True, set_cookie=False, cookie=False
    )
    assert "abc" not in found.model_dump_json()
    assert cache_headers({"method": "GET", "path": "/"}) is None
