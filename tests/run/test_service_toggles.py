"""Declared service toggles: a plan's "enable toggle" change restarts the service with it, once, recorded
in the run ledger (a resumed run starts the service with it), and an undeclared toggle is never used."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
import structlog
from pydantic import ValidationError

from perfpilot.artifacts import Change, ImplementationPlan
from perfpilot.live.ledger import ToggleEnabled
from perfpilot.live.session import LiveSession
from perfpilot.live.toggles import switched_on, toggle_changes
from perfpilot.target.spec import ServiceToggle, Target

FAST = {"name": "fast", "args": ["--fast", "1"], "env": {"APP_FAST": "yes"}, "addresses": ["slow"],
        "description": "skip the slow path"}  # fmt: skip


class RecordingService:
    def __init__(self) -> None:
        self.restarts: list[tuple[list[str], dict[str, str] | None]] = []

    def restart(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.restarts.append((argv, env))


def _change(cid: str, toggle: str | None, auto: bool = True) -> Change:
    return Change(
        id=cid, finding_id="f", group="quick_wins", kind="config", title=cid, content="c",
        rollback="restart without it", effort_days=0.1, auto_applicable=auto, toggle=toggle,
    )  # fmt: skip


def _plan(*changes: Change) -> ImplementationPlan:
    return ImplementationPlan(changes=list(changes), deployment_sequence=[c.id for c in changes])


def _session(tmp_path: Path) -> tuple[LiveSession, RecordingService]:
    db = tmp_path / "app.db"
    if not db.exists():
        sqlite3.connect(db).close()
    spec = Target.model_validate(
        {
            "name": "t",
            "evidence": {
                "http": {"base_url": "http://127.0.0.1:18700", "endpoints": [{"name": "x", "path": "/x"}]},
                "service": {"command": ["{python}", "app.py", "--db", "{db}"], "toggles": [FAST]},
                "database": {"dsn": f"sqlite:{db}", "dialect": "sqlite"},
            },
        }
    )
    options = SimpleNamespace(workdir=tmp_path / "work", run_id="thread-1", apply="sandbox")
    session = LiveSession(spec, options, structlog.get_logger("test"))
    service = RecordingService()
    session.service = service  # type: ignore[assignment]
    session.serving = db
    return session, service


def test_enabling_a_toggle_restarts_the_service_with_it_once(tmp_path: Path) -> None:
    session, service = _session(tmp_path)
    plan = _plan(_change("chg-t", "fast"), _change("chg-t2", "fast"), _change("chg-x", "undeclared"))
    applied = session.apply(plan)
    assert applied == [
        "chg-t (service toggle fast: --fast 1 and APP_FAST=yes, on the service perfpilot started)"
    ]
    [(argv, env)] = service.restarts
    assert argv[-4:] == ["--db", str(tmp_path / "app.db"), "--fast", "1"]
    assert env == {"APP_FAST": "yes"}
    assert session.ledger.toggles() == [ToggleEnabled(change="chg-t", toggle="fast")]

    resumed, service = _session(tmp_path)  # a resumed run: the ledger has it, nothing is recorded twice
    assert resumed.apply(plan) == applied and len(resumed.ledger.toggles()) == 1
    assert service.restarts[0][0][-2:] == ["--fast", "1"]
    assert resumed._argv(tmp_path / "app.db")[-2:] == ["--fast", "1"] and resumed._env() == {
        "APP_FAST": "yes"
    }


def test_a_change_that_is_not_auto_applicable_or_names_no_declared_toggle_is_left(tmp_path: Path) -> None:
    session, service = _session(tmp_path)
    assert session.apply(_plan(_change("chg-t", "fast", auto=False), _change("chg-n", None))) == []
    assert service.restarts == [] and session.ledger.toggles() == []


def test_toggles_switch_in_declared_order_and_skip_ones_no_longer_declared() -> None:
    other = ServiceToggle(name="other", env={"B": "2"}, addresses=["x.py"], description="d")
    declared = [ServiceToggle.model_validate(FAST), other]
    assert switched_on(["app"], declared, ["other", "gone", "fast"]) == (
        ["app", "--fast", "1"],
        {"APP_FAST": "yes", "B": "2"},
    )
    plan = _plan(_change("a", "other"), _change("b", "fast"))
    assert [(c.id, t.name) for c, t in toggle_changes(plan, declared)] == [("a", "other"), ("b", "fast")]


def test_a_toggle_declares_what_switches_it_and_what_it_fixes() -> None:
    with pytest.raises(ValidationError, match="give args or env"):
        ServiceToggle(name="t", addresses=["f"], description="d")
    with pytest.raises(ValidationError, match="addresses"):
        ServiceToggle(name="t", args=["--t"], addresses=[], description="d")
    toggle = ServiceToggle(
        name="t", args=["--t"], addresses=["_shingles", "shop/related.py"], description="d"
    )
    assert toggle.addresses_frame("_shingles", "elsewhere.py")
    assert toggle.addresses_frame("score", "/srv/app/shop/related.py")
    assert not toggle.addresses_frame("score", "/srv/app/myshop/related.py")


def test_a_restarted_service_is_warmed_up_like_the_before_state(tmp_path: Path) -> None:
    session, service = _session(tmp_path)
    warmups: list[tuple[float, str]] = []
    session.warmup = lambda seconds, folder="warmup": warmups.append((seconds, folder))
    session.apply(_plan(_change("chg-t", "fast")))
    assert len(service.restarts) == 1 and warmups == [(5.0, "warmup-after")]
    session.warmup_s = 0  # a run asked for no warm-up: the restart is not warmed either
    session.apply(_plan(_change("chg-t", "fast")))
    assert len(service.restarts) == 2 and warmups == [(5.0, "warmup-after")]
