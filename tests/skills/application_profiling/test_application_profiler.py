"""application-profiler: golden findings from real profiler output, and each pattern on small stacks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.collapsed import load_collapsed, parse_collapsed
from perfpilot.evidence.pprof import load_pprof
from perfpilot.evidence.profile_models import Profile
from perfpilot.skills.application_profiling.endpoints import endpoint_shares
from perfpilot.skills.application_profiling.hot_functions import application_hot_paths, hot_functions
from perfpilot.skills.application_profiling.patterns import pattern_hits
from perfpilot.skills.application_profiling.skill import SKILL, ApplicationProfilerOutput
from perfpilot.skills.base import SkillContext
from perfpilot.target.spec import Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "profiles"
GOLDEN = FIXTURES / "expected_findings.json"


def _fixtures() -> list[Profile]:
    return [
        load_collapsed(FIXTURES / "py_spy_busy.txt", source="py_spy_busy.txt"),
        load_pprof(FIXTURES / "go_cpu.pb.gz", source="go_cpu.pb.gz", max_bytes=1 << 26),
    ]


def _run(profiles: list[Profile], tmp_path: Path) -> ApplicationProfilerOutput:
    target = Target.model_validate({"name": "t", "evidence": {"plans": ["x.json"]}})
    ctx = SkillContext(evidence=EvidenceBundle(target=target, profiles=profiles), workdir=tmp_path)
    return SKILL.invoke({}, ctx)


def _summary(output: ApplicationProfilerOutput) -> list[dict[str, object]]:
    return [
        {
            "kind": f.kind,
            "subject": f.subject,
            "impact": f.impact,
            "priority": f.priority,
            "complexity": f.complexity,
            "expected": f.estimate.expected if f.estimate else None,
        }
        for f in output.findings
    ]


def test_real_profiles_give_the_golden_findings(tmp_path: Path) -> None:
    got = _summary(_run(_fixtures(), tmp_path))
    if os.environ.get("PERFPILOT_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=2) + "\n")
    assert got == json.loads(GOLDEN.read_text())


def test_py_spy_profile_names_its_hot_paths_innermost_first() -> None:
    profile = _fixtures()[0]
    paths = application_hot_paths(profile, 0.10)
    assert [(h.label, h.total_share) for h in paths] == [
        ("match_skus (py_busy.py:18)", 0.6262),
        ("render_orders.<locals>.<genexpr> (py_busy.py:11)", 0.2087),
        ("checksum (py_busy.py:27)", 0.1526),
    ]
    top = hot_functions(profile, 3)
    assert [(h.function, h.origin, h.self_share) for h in top] == [
        ("<module>", "application", 0.0),
        ("main", "application", 0.0),
        ("match_skus", "application", 0.0156),
    ]


def _folded(text: str) -> Profile:
    return parse_collapsed(text.strip().splitlines(), "t.folded")


def test_blocking_io_counts_only_under_the_event_loop() -> None:
    loop = "run (asyncio/base_events.py:640);_run_once (asyncio/base_events.py:1922)"
    profile = _folded(
        f"""
{loop};handle (app.py:20);get (requests/api.py:73) 6
{loop};handle (app.py:21) 4
worker (jobs.py:5);get (requests/api.py:73) 10
"""
    )
    hits = {h.pattern.kind: h for h in pattern_hits(profile)}
    blocking = hits["blocking_io_on_event_loop"]
    assert blocking.share == pytest.approx(0.3)
    assert [(f.label, s) for f, s in blocking.callers] == [("handle (app.py:20)", pytest.approx(0.3))]


def test_logging_locks_and_driver_calls_are_charged_to_their_caller() -> None:
    profile = _folded(
        """
serve (app.py:1);list_orders (app.py:9);execute (psycopg/cursor.py:97) 30
serve (app.py:1);list_orders (app.py:10);info (logging/__init__.py:1489);emit (logging/__init__.py:1100) 10
serve (app.py:1);refresh (cache.py:4);wait (threading.py:320) 10
serve (app.py:1);compute (app.py:30) 50
"""
    )
    kinds = {h.pattern.kind: (round(h.share, 2), h.callers[0][0].function) for h in pattern_hits(profile)}
    assert kinds == {
        "queries_in_hot_path": (0.3, "list_orders"),
        "logging_hot": (0.1, "list_orders"),
        "lock_contention": (0.1, "refresh"),
    }
    waits = "serve (app.py:1);refresh (cache.py:4);Condition.wait (threading.py:320) 10"
    profile = _folded(f"{waits}\nserve (app.py:1) 90")
    assert [(h.pattern.kind, h.callers[0][0].function) for h in pattern_hits(profile)] == [
        ("lock_contention", "refresh")
    ]


def test_a_cpu_bound_function_without_a_pattern_is_a_hot_path_finding(tmp_path: Path) -> None:
    profile = _folded("serve (app.py:1);score_products (shop/catalog.py:42) 70\nserve (app.py:1) 30")
    output = _run([profile], tmp_path)
    assert [(f.kind, f.subject, f.impact, f.priority) for f in output.findings] == [
        ("hot_path", "score_products (shop/catalog.py:42)", 0.7, "high"),
        ("hot_path", "serve (app.py:1)", 0.3, "high"),
    ]
    assert "shop/catalog.py:42" in output.findings[0].remediation.content  # type: ignore[union-attr]


def test_cpu_per_endpoint_from_declared_profiles_or_pprof_labels() -> None:
    search = _folded("a (x.py:1) 30").model_copy(update={"endpoint": "search"})
    orders = _folded("a (x.py:1) 10").model_copy(update={"endpoint": "orders"})
    assert endpoint_shares([search, orders]) == {"search": 0.75, "orders": 0.25}
    assert endpoint_shares([_folded("a (x.py:1) 10")]) == {}


def test_no_profile_says_so(tmp_path: Path) -> None:
    output = _run([], tmp_path)
    assert output.findings == []
    assert output.notes == ["No stack profile in the evidence: application time cannot be split by function."]


def test_a_hot_function_a_declared_toggle_addresses_gets_an_auto_applicable_toggle_change(
    tmp_path: Path,
) -> None:
    profile = _folded("serve (app.py:1);score_products (shop/catalog.py:42) 70\nserve (app.py:1) 30")
    service = {
        "command": ["app"],
        "toggles": [
            {"name": "cache", "env": {"CACHE": "1"}, "addresses": ["shop/catalog.py"],
             "description": "score each product once"},
        ],
    }  # fmt: skip
    target = Target.model_validate({"name": "t", "evidence": {"plans": ["x.json"], "service": service}})
    ctx = SkillContext(evidence=EvidenceBundle(target=target, profiles=[profile]), workdir=tmp_path)
    output = SKILL.invoke({}, ctx)
    toggled, other = output.findings
    assert toggled.subject == "score_products (shop/catalog.py:42)" and toggled.impact == 0.7
    rem = toggled.remediation
    assert rem is not None and (rem.kind, rem.toggle, rem.auto_applicable) == ("config", "cache", True)
    assert rem.title == "Enable the service toggle cache (CACHE=1)"
    assert rem.content.startswith("Restart the service with CACHE=1: score each product once\n\n")
    assert "shop/catalog.py:42" in rem.content and rem.rollback == "Restart the service without CACHE=1."
    assert other.remediation is not None and other.remediation.toggle is None  # app.py: not addressed


def test_a_server_entry_point_is_no_hot_path_but_its_own_lines_are() -> None:
    runpy = "_run_module_as_main (<frozen runpy>:198);_run_code (<frozen runpy>:88)"
    loop = f"{runpy};<module> (app/serve.py:39);main (app/serve.py:35);run (uvicorn/main.py:643)"
    profile = _folded(
        f"""
{loop};Runner.run (asyncio/runners.py:118) 60
{loop};Starlette.__call__ (starlette/applications.py:96);handler (app/views.py:12) 30
{runpy};<module> (app/batch.py:3);main (app/batch.py:9) 10
"""
    )
    paths = application_hot_paths(profile, 0.05)
    assert [(h.label, h.exclusive_share) for h in paths] == [
        ("handler (app/views.py:12)", 0.3),
        ("main (app/batch.py:9)", 0.1),  # a script's main doing its own work is still a hot path
    ]
