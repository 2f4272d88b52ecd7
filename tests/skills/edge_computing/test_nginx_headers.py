"""edge-computing-architect over an access log written by a real nginx with caching headers logged.

The golden fixture was recorded by tests/skills/edge_computing/nginx_recording.py (Debian nginx 1.22 in
front of a small origin on loopback); the live tests run the same recording again, and check the
generated proxy_cache configuration with the real `nginx -t`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.skills.base import SkillContext
from perfpilot.skills.edge_computing.cacheability import endpoint_cacheability
from perfpilot.skills.edge_computing.freshness import advise_ttl, chosen_ttl
from perfpilot.skills.edge_computing.skill import SKILL, EdgeComputingOutput
from perfpilot.skills.edge_computing.traffic import group_traffic
from perfpilot.target.spec import EvidenceSources, Target
from tests.skills.edge_computing import nginx_recording

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "edge_computing"
LOG = FIXTURES / "nginx_headers_access.log"
EXPECTED = json.loads((FIXTURES / "nginx_headers_expected.json").read_text())


def _entries(path: Path = LOG) -> list[AccessLogEntry]:
    return load_access_log(path, source=path.name)


def _run(entries: list[AccessLogEntry], tmp_path: Path) -> EdgeComputingOutput:
    target = Target(name="catalog", evidence=EvidenceSources(access_logs=[Path(LOG.name)]))
    bundle = EvidenceBundle(target=target, access_logs=entries)
    return SKILL.invoke({}, SkillContext(evidence=bundle, workdir=tmp_path))


def _endpoints(entries: list[AccessLogEntry]) -> dict[str, dict[str, object]]:
    found = {}
    for traffic in group_traffic(entries):
        cache, advice = endpoint_cacheability(traffic.entries), advise_ttl(traffic.entries)
        found[traffic.key] = {
            "verdict": cache.verdict,
            "reasons": list(cache.reasons),
            "origin_ttl_s": cache.origin_ttl_s,
            "validators": cache.validators,
            "basis": advice.basis,
            "changes": advice.changes,
            "ttl_s": chosen_ttl(advice, cache.origin_ttl_s),
        }
    return found


def test_cacheability_per_endpoint_matches_golden() -> None:
    assert _endpoints(_entries()) == EXPECTED["endpoints"]


def test_findings_and_replay_match_golden(tmp_path: Path) -> None:
    out = _run(_entries(), tmp_path)
    got = [
        {"kind": f.kind, "subject": f.subject, "current": f.estimate.current, "expected": f.estimate.expected}
        for f in out.findings
        if f.estimate is not None
    ]
    assert got == EXPECTED["findings"]
    for name, value in EXPECTED["summary"].items():
        assert getattr(out, name) == value, name


def test_per_user_and_no_store_endpoints_are_never_proposed_for_a_shared_cache(tmp_path: Path) -> None:
    out = _run(_entries(), tmp_path)
    caching = ("cdn_cacheable_endpoint", "app_cache_hot_endpoint")
    subjects = {f.subject for f in out.findings if f.kind in caching}
    assert not subjects & {"GET /api/users/{id}/cart", "GET /api/reports/daily", "GET /api/stream"}
    assert "location ~ ^/api/users" not in out.nginx_proxy_cache


def test_secrets_are_logged_and_read_as_presence_only() -> None:
    text = LOG.read_text()
    assert nginx_recording.SECRET_TOKEN not in text and "abcdef0123456789" not in text
    entries = _entries()
    cart = [e for e in entries if "/cart" in e.path]
    assert cart and all(e.headers and e.headers.set_cookie and e.headers.cookie for e in cart)
    reports = [e for e in entries if e.path == "/api/reports/daily"]
    assert reports and all(e.headers and e.headers.authorization for e in reports)


def test_origin_ttl_longer_than_observed_changes_is_reported(tmp_path: Path) -> None:
    out = _run(_entries(), tmp_path)
    prices = next(f for f in out.findings if f.subject == "GET /api/prices")
    assert "Its 60 s is longer than the shortest-lived version (1 s)" in prices.root_cause
    assert prices.remediation is not None and "proxy_cache_valid 200 1s;" in prices.remediation.content


def _check_config(nginx: str, tmp_path: Path, snippet: str) -> subprocess.CompletedProcess[str]:
    http_part, _, server_part = snippet.partition("# server {")
    server_part = server_part.split("\n", 1)[1]
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/fastcgi;\n  uwsgi_temp_path {tmp_path}/uwsgi;\n"
        f"  scgi_temp_path {tmp_path}/scgi;\n  access_log off;\n"
        f"  upstream origin {{ server 127.0.0.1:9; }}\n{http_part}\n"
        f"  server {{\n    listen 127.0.0.1:{nginx_recording.free_port()};\n{server_part}  }}\n}}\n"
    )
    return subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )


def test_generated_proxy_cache_config_passes_nginx_t(nginx_binary: str, tmp_path: Path) -> None:
    out = _run(_entries(), tmp_path)
    cache_dir = tmp_path / "cache"
    snippet = out.nginx_proxy_cache.replace("/var/cache/nginx/perfpilot", str(cache_dir))
    assert snippet.count("location ~ ") == 4
    checked = _check_config(nginx_binary, tmp_path, snippet)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_nginx_t_rejects_a_broken_config(nginx_binary: str, tmp_path: Path) -> None:
    """The check can fail: a location without its closing brace is refused."""
    out = _run(_entries(), tmp_path)
    snippet = out.nginx_proxy_cache.replace("/var/cache/nginx/perfpilot", str(tmp_path / "cache"))
    checked = _check_config(nginx_binary, tmp_path, snippet.rstrip().removesuffix("}"))
    assert checked.returncode != 0


def test_a_fresh_recording_by_nginx_reads_the_same(nginx_binary: str, tmp_path: Path) -> None:
    """nginx writes the log again now; cacheability verdicts and findings are those of the golden."""
    fresh = nginx_recording.record(nginx_binary, tmp_path / "access.log")
    entries = _entries(fresh)
    assert len(entries) == len(nginx_recording.REQUESTS)
    verdicts = {k: v["verdict"] for k, v in _endpoints(entries).items()}
    assert verdicts == {k: v["verdict"] for k, v in EXPECTED["endpoints"].items()}
    out = _run(entries, tmp_path)
    assert [(f.kind, f.subject) for f in out.findings] == [
        (f["kind"], f["subject"]) for f in EXPECTED["findings"]
    ]
