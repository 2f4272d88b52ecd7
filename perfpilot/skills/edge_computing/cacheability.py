"""Whether a shared cache (a CDN, nginx proxy_cache) may store an endpoint's responses, and for how long
the origin says, from the logged response headers and request facts (RFC 9111).

Per response: no-store, or `Vary: *`, forbids storing; `private`, Set-Cookie, `Vary: Cookie` or
`Authorization`, or an Authorization request without public / s-maxage / must-revalidate (RFC 9111
section 3.5) make it per-user; a path segment naming a user (users, cart, account...) does too. An
endpoint takes the most restrictive verdict of its 200 GET responses: one per-user response is enough
to keep it out of a shared cache. Without logged headers the verdict comes from request facts alone
and says so (`headers_logged` False).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

from perfpilot.evidence.models import AccessLogEntry, HttpCacheHeaders
from perfpilot.skills.edge_computing.edge_data import PERSONAL_SEGMENTS
from perfpilot.skills.edge_computing.templates import is_personal, template_of

Verdict = Literal["shared", "private", "no_store"]
_ORDER: dict[Verdict, int] = {"shared": 0, "private": 1, "no_store": 2}
_PER_USER_VARY = frozenset({"cookie", "authorization"})


@dataclass(frozen=True)
class Cacheability:
    """What a shared cache may do with an endpoint's responses, and why."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()
    headers_logged: bool = False
    origin_ttl_s: float | None = None
    """The freshness lifetime the origin grants (s-maxage, max-age or Expires); None when it sets none."""
    validators: bool = False
    """Every response carried an ETag or Last-Modified: a stale copy can be revalidated cheaply."""
    revalidate_each_time: bool = False
    """no-cache or max-age=0: storable, but each use must be revalidated with the origin."""

    @property
    def shared(self) -> bool:
        return self.verdict == "shared"


def directives(cache_control: str | None) -> dict[str, str]:
    """Cache-Control directives, lower-cased names, values unquoted ('' for a bare directive)."""
    found: dict[str, str] = {}
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.strip().lower()] = value.strip().strip('"')
    return found


def _seconds(value: str) -> float | None:
    try:
        return max(0.0, float(int(value)))
    except ValueError:
        return None


def origin_ttl(headers: HttpCacheHeaders, at: float | None) -> float | None:
    """s-maxage, else max-age, else Expires minus the request time (RFC 9111 section 4.2.1)."""
    found = directives(headers.cache_control)
    for name in ("s-maxage", "max-age"):
        if name in found and (seconds := _seconds(found[name])) is not None:
            return seconds
    if headers.expires and at is not None:
        try:
            return max(0.0, parsedate_to_datetime(headers.expires).timestamp() - at)
        except (TypeError, ValueError):
            return 0.0  # an invalid Expires means already expired (RFC 9111 section 5.3)
    return None


def response_verdict(entry: AccessLogEntry) -> tuple[Verdict, str]:
    """One response's verdict and the fact that decided it."""
    if entry.method.upper() not in ("GET", "HEAD"):
        return "no_store", f"{entry.method} is not cacheable"
    if is_personal(template_of(entry.path), PERSONAL_SEGMENTS):
        return "private", "the path names a user's data"
    headers = entry.headers
    if headers is None:
        return "shared", ""
    found = directives(headers.cache_control)
    vary = {v.strip().lower() for v in (headers.vary or "").split(",") if v.strip()}
    if "no-store" in found:
        return "no_store", "Cache-Control: no-store"
    if "*" in vary:
        return "no_store", "Vary: *"
    if "private" in found:
        return "private", "Cache-Control: private"
    if headers.set_cookie:
        return "private", "the response sets a cookie"
    if vary & _PER_USER_VARY:
        return "private", f"Vary: {', '.join(sorted(vary & _PER_USER_VARY))}"
    if headers.authorization and not ({"public", "s-maxage", "must-revalidate"} & found.keys()):
        return "private", "the request carried Authorization and the response is not marked public"
    return "shared", ""


def endpoint_cacheability(entries: tuple[AccessLogEntry, ...]) -> Cacheability:
    """The most restrictive verdict over the endpoint's 200 GET/HEAD responses, with its reasons."""
    ok = [e for e in entries if e.status == 200 and e.method.upper() in ("GET", "HEAD")]
    if not ok:
        return Cacheability("no_store", ("no successful GET response",))
    verdict: Verdict = "shared"
    reasons: set[str] = set()
    for entry in ok:
        one, why = response_verdict(entry)
        if _ORDER[one] > _ORDER[verdict]:
            verdict, reasons = one, set()
        if one == verdict and why:
            reasons.add(why)
    logged = [e.headers for e in ok if e.headers is not None]
    ttls = [t for e in ok if e.headers is not None and (t := origin_ttl(e.headers, e.timestamp)) is not None]
    revalidate = any(
        "no-cache" in (d := directives(h.cache_control)) or d.get("max-age") == "0" for h in logged
    )
    return Cacheability(
        verdict=verdict,
        reasons=tuple(sorted(reasons)),
        headers_logged=len(logged) == len(ok),
        origin_ttl_s=min(ttls) if ttls else None,
        validators=bool(logged) and len(logged) == len(ok) and all(h.etag or h.last_modified for h in logged),
        revalidate_each_time=revalidate,
    )
