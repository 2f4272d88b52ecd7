"""k6 script generation: profiles, JSON injection safety, strict templates, `k6 inspect` on the real k6."""

from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from perfpilot.skills.load_test.hosts import (
    HostNotAllowedError,
    blocked_ranges,
    check_allowed_hosts,
    resolve,
)
from perfpilot.skills.load_test.profiles import PEAK_FACTOR, STRESS_MAX_FACTOR, plan_profile
from perfpilot.skills.load_test.scripts import (
    TemplateError,
    render_script,
    render_template,
    request_tag,
    submetric,
)
from perfpilot.target.spec import Endpoint, HttpSource

HOSTILE = 'x"}</script><!--\'; throw new Error("pwned"); //,a:b'


def _http(**overrides: Any) -> HttpSource:
    data: dict[str, Any] = {
        "base_url": "http://127.0.0.1:8080",
        "baseline_rps": 25,
        "endpoints": [
            {"name": "orders", "path": "/orders/${id}", "params": {"id": ["1", "2"]}, "weight": 3},
            {
                "name": "search",
                "method": "POST",
                "path": "/search",
                "body": '{"q": "${q}"}',
                "params": {"q": ["a"]},
            },
        ],
    }
    data.update(overrides)
    return HttpSource.model_validate(data)


def _config(script: str) -> dict[str, Any]:
    """The CONFIG object of a generated script, parsed back as JSON."""
    start = script.index("const CONFIG = ") + len("const CONFIG = ")
    end = script.index(";\n\nexport const options")
    parsed: dict[str, Any] = json.loads(script[start:end])
    return parsed


def _inspect(k6: str, script: Path) -> dict[str, Any]:
    done = subprocess.run(
        [k6, "inspect", "--include-system-env-vars=false", str(script)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    inspected: dict[str, Any] = json.loads(done.stdout)
    return inspected


@pytest.mark.parametrize("profile", ["baseline", "peak", "stress", "soak"])
def test_each_profile_renders_a_script_that_k6_accepts(profile: Any, k6_binary: str, tmp_path: Path) -> None:
    http = _http()
    plan = plan_profile(profile, http.baseline_rps, duration_s=7)
    script = tmp_path / f"{profile}.js"
    script.write_text(render_script(http, plan), encoding="utf-8")

    options = _inspect(k6_binary, script)
    scenario = options["scenarios"][profile]
    if profile == "stress":
        assert scenario["executor"] == "ramping-arrival-rate"
        assert scenario["startRate"] == http.baseline_rps
        assert scenario["stages"][-1]["target"] == http.baseline_rps * STRESS_MAX_FACTOR
        aborting = options["thresholds"]["http_req_failed"][0]
        assert aborting["abortOnFail"] is True
    else:
        factor = PEAK_FACTOR if profile == "peak" else 1
        assert scenario["executor"] == "constant-arrival-rate"
        assert scenario["rate"] == http.baseline_rps * factor
        assert scenario["duration"] == "7s"
    for endpoint in http.endpoints:
        for metric in ("http_req_duration", "http_req_failed", "http_reqs"):
            assert submetric(metric, request_tag(endpoint)) in options["thresholds"]
    assert options["summaryTrendStats"] == ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"]


def test_hostile_endpoint_text_stays_data(k6_binary: str, tmp_path: Path) -> None:
    http = _http(
        endpoints=[{"name": HOSTILE, "path": f"/h/{HOSTILE}", "body": HOSTILE, "params": {"p": [HOSTILE]}}]
    )
    text = render_script(http, plan_profile("baseline", 5, duration_s=1), title=HOSTILE + "\nalert(1)")

    assert "</script>" not in text and "<!--" not in text
    assert "\nalert(1)" not in text
    endpoint = _config(text)["endpoints"][0]
    assert endpoint["path"] == f"/h/{HOSTILE}"
    assert endpoint["body"] == HOSTILE
    assert endpoint["params"] == {"p": [HOSTILE]}
    tag = endpoint["tag"]
    assert "," not in tag and '"' not in tag and "'" not in tag
    script = tmp_path / "hostile.js"
    script.write_text(text, encoding="utf-8")
    assert submetric("http_reqs", tag) in _inspect(k6_binary, script)["thresholds"]


def test_template_with_a_missing_variable_raises() -> None:
    with pytest.raises(TemplateError, match="'config'"):
        render_template("const CONFIG = {{ config }};", {"title": "t"})


def test_script_for_a_target_without_endpoints_is_refused() -> None:
    with pytest.raises(Exception, match="endpoints is empty"):
        render_script(_http(endpoints=[]), plan_profile("baseline", 5))


def test_stress_rate_follows_the_ramp() -> None:
    plan = plan_profile("stress", 10, duration_s=20)
    assert plan.rate_at(0) == 10
    assert plan.rate_at(10) == pytest.approx((10 + 10 * STRESS_MAX_FACTOR) / 2)
    assert plan.rate_at(999) == 10 * STRESS_MAX_FACTOR


def test_undeclared_host_is_refused() -> None:
    http = _http(endpoints=[{"name": "leak", "path": "http://example.com/collect"}])
    with pytest.raises(HostNotAllowedError, match=r"leak -> example\.com"):
        check_allowed_hosts(http)
    allowed = _http(endpoints=[{"name": "ok", "path": "http://example.com/x"}], allowed_hosts=["example.com"])
    assert check_allowed_hosts(allowed) == {"example.com"}


def test_relative_path_without_slash_is_refused() -> None:
    http = _http(endpoints=[Endpoint(name="odd", path="${host}.evil/x").model_dump()])
    with pytest.raises(HostNotAllowedError, match="must start with '/'"):
        check_allowed_hosts(http)


def test_blocked_ranges_cover_everything_but_the_allowed_addresses() -> None:
    allowed = resolve(["127.0.0.1", "::1"])
    networks = [ipaddress.ip_network(n) for n in blocked_ranges(allowed)]
    for address in allowed:
        assert not any(address in n for n in networks)
    probes = ("127.0.0.2", "10.1.2.3", "93.184.216.34", "0.0.0.0", "255.255.255.255", "::2", "2001:db8::1")
    for probe in probes:
        assert any(ipaddress.ip_address(probe) in n for n in networks), probe
    total_v4 = sum(n.num_addresses for n in networks if n.version == 4)
    assert total_v4 == 2**32 - 1
