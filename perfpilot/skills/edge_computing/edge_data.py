"""Documented thresholds and constants the edge findings use, with where each comes from."""

from __future__ import annotations

MIN_REQUESTS = 20
"""Fewest requests to a path template before its repetition is trusted as a pattern."""

MIN_OK_SHARE = 0.95
"""Share of 200 responses a template needs to be cacheable (errors and redirects are not cached)."""

MIN_HIT_RATIO = 0.5
"""Simulated hit ratio below which a cache costs more in invalidation work than it saves."""

MIN_CACHEABLE_BYTES = 1024
"""Mean response size worth an edge cache entry (below 1 KiB the origin's cost is the request, not bytes)."""

DOMINANT_TIME_SHARE = 0.40
"""A template holding at least 40% of all logged request time dominates latency."""

CACHE_HIT_MS = 1.0
"""Latency of an application-cache hit: a Redis/Memcached GET on the same network is 0.1-1 ms
(redis-benchmark on a LAN); we plan with the upper end."""

GZIP_TEXT_RATIO = 0.25
"""Compressed / original size for JSON, HTML, CSS and JS with gzip level 6 (typical 70-85% reduction);
planning figure, check one response with `gzip -6 -c body | wc -c`."""

COMPRESS_MIN_BYTES = 1024
"""Responses under 1 KiB gain little from compression (the headers dominate); nginx users commonly set
gzip_min_length 1000 for this reason."""

STATIC_EXTENSIONS = frozenset(
    {
        ".js",
        ".mjs",
        ".css",
        ".map",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".avif",
        ".svg",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".mp4",
        ".webm",
        ".mp3",
        ".pdf",
        ".wasm",
    }
)
"""File extensions served as static assets."""

TEXT_EXTENSIONS = frozenset(
    {"", ".json", ".html", ".htm", ".css", ".js", ".mjs", ".svg", ".txt", ".xml", ".csv"}
)
"""Responses that compress well (no extension: an API response, JSON or HTML)."""

PERSONAL_SEGMENTS = frozenset(
    {
        "user",
        "users",
        "customer",
        "customers",
        "account",
        "accounts",
        "me",
        "profile",
        "session",
        "sessions",
        "cart",
        "carts",
        "checkout",
        "admin",
        "auth",
        "login",
        "logout",
        "token",
        "tokens",
    }
)
"""Path segments that mark per-user data: never cached at a shared edge (an app cache keyed per user is
still possible)."""

STATIC_MAX_AGE_S = 31_536_000
"""One year, the usual max-age for fingerprinted (content-hashed) assets with `immutable`."""

MIN_ADVISED_TTL_S = 1
"""Shortest TTL advised: even one second collapses a burst of identical requests into one (micro-caching,
as nginx's documentation of proxy_cache_valid with proxy_cache_lock describes for hot content)."""

MAX_ADVISED_TTL_S = 86_400
"""Longest TTL advised from observation alone (one day); longer needs the owner's word on how the data
changes, since a log only shows the span it covers."""

CACHE_MAX_ENTRIES = 10_000
"""Default bound on the replayed cache's entries (keys_zone=10m holds about 80,000 keys in nginx; we
plan with fewer to leave room for the metadata of large responses)."""

CACHE_MAX_BYTES = 256 * 2**20
"""Default bound on the replayed cache's stored bytes (nginx proxy_cache_path max_size=256m)."""

TRACKING_PARAM_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "mc_cid", "mc_eid", "_ga"})
"""Query parameters set by ad and analytics links: they never change the response, only split the key."""

SERVED_BY_CACHE = frozenset({"HIT", "STALE", "UPDATING", "REVALIDATED"})
"""nginx $upstream_cache_status values for a response the cache served (REVALIDATED: after a 304)."""

ALREADY_CACHED_SHARE = 0.5
"""An endpoint whose logged cache status shows at least half its requests served by a cache is already
cached at the edge: nothing to propose."""

SYN_RETRANSMIT_MS = 1000.0
"""TCP's initial retransmission timeout (RFC 6298 section 2: 1 s; Linux TCP_TIMEOUT_INIT): a connect that
took this long or longer had its first SYN go unanswered and resent. Between two hosts that normally
connect in milliseconds, that is a listening socket whose accept queue (listen backlog) was full."""

MIN_CONNECT_SHARE = 0.10
"""Share of the request time of promptly connected requests spent connecting to the upstream above which
reusing connections is worth a finding (a TCP plus TLS handshake on a fast request reaches it; a
loopback TCP connect does not)."""

MIN_RESENT_SHARE = 0.01
"""Share of proxied requests whose connect waited for a resent SYN from which they are a finding: 1% or
more sets the p99 by itself; fewer (a keepalive pool's first connections in a burst) does not."""

UPSTREAM_KEEPALIVE = 32
"""Idle upstream connections each nginx worker keeps (`keepalive` in the upstream block). nginx's own
example uses 16; the pool should hold about the concurrent requests one worker has in flight at peak, and
a burst beyond it still opens new connections, so we propose twice that example."""
