"""The load-test-runner skill end to end: repeats give a noise floor; refuses without http or live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext, SkillError
from perfpilot.skills.load_test.skill import SKILL
from perfpilot.skills.registry import load_skill_folder
from perfpilot.target.spec import Target

SKILL_FOLDER = Path(__file__).resolve().parents[3] / "perfpilot" / "skills" / "load_test"


def _target(base_url: str | None) -> Target:
    evidence: dict[str, Any] = {"traces": []}
    if base_url is not None:
        evidence["http"] = {
            "base_url": base_url,
            "baseline_rps": 25,
            "endpoints": [
                {"name": "orders", "path": "/orders/${id}", "params": {"id": ["1", "2"]}},
                {"name": "slow", "path": "/slow", "weight": 0.5},
            ],
        }
    else:
        evidence["access_logs"] = [Path("access.log")]
    return Target.model_validate({"name": "shop", "slos": {"p95_ms": 300}, "evidence": evidence})


def test_skill_folder_is_valid() -> None:
    registered = load_skill_folder(SKILL_FOLDER)
    assert registered.name == "load-test-runner" and registered.skill is SKILL


@pytest.mark.k6
def test_repeated_baseline_reports_a_noise_floor(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    bundle = EvidenceBundle(target=_target(loopback.base_url))
    ctx = SkillContext(evidence=bundle, workdir=tmp_path, live=True)
    out = SKILL.invoke({"profile": "baseline", "duration_s": 1, "repeat": 2, "label": "before"}, ctx)

    assert len(out.runs) == 2 and all(r.exit_code == 0 for r in out.runs)
    assert out.baseline is not None and {e.name for e in out.baseline.endpoints} == {"orders", "slow"}
    p95s = []
    for run in out.runs:
        assert run.summary is not None
        p95 = run.summary.metric("http_req_duration")
        assert p95 is not None
        p95s.append(p95.values["p(95)"])
    assert out.noise_floor_pct == pytest.approx((max(p95s) - min(p95s)) / (sum(p95s) / 2) * 100, abs=0.01)
    assert out.baseline.noise_floor_pct == out.noise_floor_pct
    assert out.baseline.overall.latency.p95_ms in p95s
    assert out.baseline.overall.run_p95_ms == pytest.approx(p95s)
    chosen = next(
        r
        for r in out.runs
        if r.summary
        and r.summary.metric("http_req_duration").values["p(95)"] == out.baseline.overall.latency.p95_ms
    )
    assert out.baseline.request_durations == str(chosen.durations_path)
    assert all(Path(f).is_file() and Path(f).is_relative_to(tmp_path) for f in out.files)
    assert [Path(f).name for f in out.files][:2] == ["before-baseline-1.js", "before-baseline-1.summary.json"]
    dumped = out.model_dump(mode="json")
    assert "summary" not in dumped["runs"][0]


def test_refuses_without_http_evidence(tmp_path: Path) -> None:
    ctx = SkillContext(evidence=EvidenceBundle(target=_target(None)), workdir=tmp_path, live=True)
    with pytest.raises(SkillError, match=r"evidence\.http"):
        SKILL.invoke({}, ctx)


def test_refuses_when_the_run_is_not_live(tmp_path: Path) -> None:
    ctx = SkillContext(evidence=EvidenceBundle(target=_target("http://127.0.0.1:9")), workdir=tmp_path)
    with pytest.raises(SkillError, match="live"):
        SKILL.invoke({}, ctx)
    assert not list(tmp_path.iterdir())


class _Observer:
    """Records what the skill tells a load observer (as a live PostgreSQL run's observer would be told)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float | None]] = []

    def start(self, run_name: str) -> None:
        self.calls.append(("start", run_name, None))

    def finish(self, run_name: str, request_seconds: float | None) -> None:
        self.calls.append(("finish", run_name, request_seconds))

    def describe(self, run_names: list[str]) -> list[str]:
        return [f"database over {' and '.join(run_names)}"]


@pytest.mark.k6
def test_a_load_observer_brackets_each_run(loopback: Any, k6_binary: str, tmp_path: Path) -> None:
    observer = _Observer()
    bundle = EvidenceBundle(target=_target(loopback.base_url))
    ctx = SkillContext(evidence=bundle, workdir=tmp_path, live=True, load_observer=observer)
    out = SKILL.invoke({"profile": "baseline", "duration_s": 1, "repeat": 2, "label": "after"}, ctx)
    assert [c[:2] for c in observer.calls] == [
        ("start", "after-baseline-1"),
        ("finish", "after-baseline-1"),
        ("start", "after-baseline-2"),
        ("finish", "after-baseline-2"),
    ]
    for (_, _, seconds), run in zip(observer.calls[1::2], out.runs, strict=True):
        assert run.summary is not None
        duration, count = run.summary.metric("http_req_duration"), run.summary.metric("http_reqs")
        assert duration is not None and count is not None
        assert seconds == pytest.approx(duration.values["avg"] * count.values["count"] / 1000)
    assert out.database_notes == ["database over after-baseline-1 and after-baseline-2"]
    assert "database_notes" not in out.model_dump()  # charged once, in the step's artifact
    assert not any(n.startswith("database over") for n in out.notes)


def test_the_after_state_is_profiled_in_a_run_of_its_own_not_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfpilot.artifacts.profiles import LiveProfile
    from perfpilot.skills.load_test import skill as module
    from perfpilot.skills.load_test.execution import LoadTestResult

    ran: list[tuple[str, bool]] = []
    profiling: list[bool] = [False]

    def fake_run(http: Any, plan: Any, out_dir: Path, *, run_name: str, label: str | None) -> LoadTestResult:
        ran.append((run_name, profiling[0]))
        return LoadTestResult(
            profile="baseline", label=label, planned_duration_s=1, exit_code=0,
            script_path=out_dir / f"{run_name}.js", summary_path=out_dir / f"{run_name}.summary.json", pid=1,
        )  # fmt: skip

    def fake_profiled(ctx: Any, duration_s: float, run: Any, label: str = "") -> tuple[Any, LiveProfile]:
        profiling[0] = True
        result = run()
        profiling[0] = False
        return result, LiveProfile(status="recorded", pid=4242, rate_hz=50, window_s=duration_s)

    monkeypatch.setattr(module, "run_profile", fake_run)
    monkeypatch.setattr(module, "profiled", fake_profiled)
    bundle = EvidenceBundle(target=_target("http://127.0.0.1:18999"))
    ctx = SkillContext(evidence=bundle, workdir=tmp_path, live=True, service_pid=4242)
    after = SKILL.invoke({"profile": "baseline", "duration_s": 1, "repeat": 2, "label": "after"}, ctx)
    assert ran == [
        ("after-baseline-profiled", True), ("after-baseline-1", False), ("after-baseline-2", False)
    ]  # fmt: skip
    assert [r.script_path.stem for r in after.runs] == ["after-baseline-1", "after-baseline-2"]
    assert after.live_profile is not None and [c.run for c in after.contention] == [
        "after-baseline-1", "after-baseline-2"
    ]  # fmt: skip
    ran.clear()
    before = SKILL.invoke({"profile": "baseline", "duration_s": 1, "repeat": 2, "label": "before"}, ctx)
    assert ran == [("before-baseline-1", True), ("before-baseline-2", False)]  # the evidence's profile
    assert len(before.runs) == 2
