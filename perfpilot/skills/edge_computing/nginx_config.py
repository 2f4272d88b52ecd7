"""An nginx proxy_cache configuration for the endpoints a shared cache may store.

Two parts: the `proxy_cache_path` line (http context) sized by the replayed cache's bounds, and one
`location` per endpoint (server context) with its TTL. nginx itself keeps out what the origin marks
private, no-store or Set-Cookie; requests with Authorization bypass the cache. `nginx -t` checks it
(tests/skills/edge_computing/test_nginx_config.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

KEYS_ZONE = "perfpilot_edge"
DEFAULT_CACHE_DIR = "/var/cache/nginx/perfpilot"
_SEGMENT_CHARS = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@%-]")


@dataclass(frozen=True)
class CachedEndpoint:
    """One endpoint to cache: its path template, TTL and whether the origin sends validators."""

    template: str
    ttl_s: int
    validators: bool


def location_pattern(template: str) -> str:
    """`/api/products/{id}` -> `^/api/products/[^/]+$` (segments escaped; {id} any one segment)."""
    parts = []
    for segment in template.split("/"):
        if segment == "{id}":
            parts.append("[^/]+")
        else:
            parts.append(re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", _SEGMENT_CHARS.sub("", segment)))
    return "^" + "/".join(parts) + "$"


def http_block(endpoints: list[CachedEndpoint], max_bytes: float, cache_dir: str = DEFAULT_CACHE_DIR) -> str:
    """The proxy_cache_path line: keys zone, size bound and how long unused entries stay."""
    inactive = max(600, max((e.ttl_s for e in endpoints), default=0))
    size_mib = max(1, math.ceil(max_bytes / 2**20))
    return (
        f"proxy_cache_path {cache_dir} levels=1:2 keys_zone={KEYS_ZONE}:10m max_size={size_mib}m "
        f"inactive={inactive}s use_temp_path=off;\n"
    )


def location_block(endpoint: CachedEndpoint, upstream: str = "origin") -> str:
    """A location caching 200 responses of one endpoint for its TTL."""
    lines = [
        f"location ~ {location_pattern(endpoint.template)} {{",
        f"    proxy_pass http://{upstream};",
        f"    proxy_cache {KEYS_ZONE};",
        "    proxy_cache_methods GET HEAD;",
        "    proxy_cache_key $scheme$proxy_host$request_uri;",
        f"    proxy_cache_valid 200 {endpoint.ttl_s}s;",
        "    proxy_cache_lock on;",
        "    proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;",
        "    proxy_cache_background_update on;",
        "    proxy_cache_bypass $http_authorization;",
        "    proxy_no_cache $http_authorization;",
    ]
    if endpoint.validators:
        lines.append("    proxy_cache_revalidate on;")
    lines += ["    add_header X-Cache-Status $upstream_cache_status always;", "}"]
    return "\n".join(lines) + "\n"


def nginx_config(
    endpoints: list[CachedEndpoint],
    max_bytes: float,
    upstream: str = "origin",
    cache_dir: str = DEFAULT_CACHE_DIR,
) -> str:
    """The whole snippet: the http-context line, then the server-context locations."""
    if not endpoints:
        return ""
    locations = "".join(location_block(e, upstream) for e in endpoints)
    return (
        "# http { ... }\n"
        + http_block(endpoints, max_bytes, cache_dir)
        + f"# server {{ ... }} (upstream `{upstream}`: the origin's upstream block)\n"
        + locations
    )
