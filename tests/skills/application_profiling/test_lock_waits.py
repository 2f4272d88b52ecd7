"""Lock waits from real py-spy recordings of a threaded service contending on a lock (fixtures/lock_waits)."""

from __future__ import annotations

from pathlib import Path

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.collapsed import load_collapsed, parse_collapsed
from perfpilot.evidence.profile_models import Profile
from perfpilot.skills.application_profiling.lock_waits import lock_waits
from perfpilot.skills.application_profiling.skill import SKILL, ApplicationProfilerOutput
from perfpilot.skills.base import SkillContext
from perfpilot.target.spec import Target

LOCKS = Path(__file__).resolve().parents[2] / "fixtures" / "lock_waits"


def _live(kind: str, running: str = "lock-running.txt") -> Profile:
    """A live run's evidence: the running threads' profile, with the --idle recording of the same window."""
    waiting = load_collapsed(LOCKS / f"{kind}-idle.txt", source=f"{kind}-idle.txt")
    profile = load_collapsed(LOCKS / running, source=running)
    return profile.model_copy(update={"waiting": waiting.model_copy(update={"value_type": "wall"})})


def _run(profile: Profile, workdir: Path | None, tmp_path: Path) -> ApplicationProfilerOutput:
    evidence: dict[str, object] = {"plans": ["x.json"]}
    if workdir is not None:
        evidence["service"] = {"command": ["python", "service.py"], "workdir": str(workdir)}
    target = Target.model_validate({"name": "t", "evidence": evidence})
    ctx = SkillContext(evidence=EvidenceBundle(target=target, profiles=[profile]), workdir=tmp_path)
    return SKILL.invoke({}, ctx)


def test_a_plain_lock_shows_no_acquire_frame_only_the_with_line() -> None:
    text = (LOCKS / "lock-idle.txt").read_text()
    assert "acquire" not in text
    assert "Handler.do_GET (service.py:36);locked_update (service.py:30) 9120" in text
    assert (LOCKS / "service.py").read_text().splitlines()[29].strip() == "with LOCK:"


def test_lock_and_rlock_waits_are_read_from_the_with_line_of_the_service_source(tmp_path: Path) -> None:
    for kind, share in (("lock", 0.9437), ("rlock", 0.9451)):
        out = _run(_live(kind), LOCKS, tmp_path)
        locks = [f for f in out.findings if f.kind == "lock_contention"]
        assert [(f.subject, f.impact) for f in locks] == [("locked_update (service.py:30)", share)]
        assert locks[0].title == f"locked_update: waiting on locks takes {share:.0%} of sampled thread time"
        assert "Source: locked_update (service.py:30): `with LOCK:`." in locks[0].root_cause
        assert locks[0].evidence[0].source == f"{kind}-idle.txt"
        assert locks[0].estimate is not None and abs(locks[0].estimate.expected - share * 0.5) <= 1e-4


def test_a_condition_wait_is_found_by_its_frame_without_the_source(tmp_path: Path) -> None:
    out = _run(_live("condition"), None, tmp_path)
    locks = [f for f in out.findings if f.kind == "lock_contention"]
    assert [(f.subject, f.impact) for f in locks] == [("locked_update (service.py:23)", 0.9437)]


def test_without_the_source_a_wait_at_an_application_line_is_said_unexplained(tmp_path: Path) -> None:
    out = _run(_live("lock"), None, tmp_path)
    assert not [f for f in out.findings if f.kind == "lock_contention"]
    assert out.notes[0] == (
        "lock-idle.txt: 94% of the sampled thread time (running or waiting) ends in locked_update "
        "(service.py:30) with no Python frame below it: Python code running at that line, or native code "
        "called from it (a sleep, I/O, a lock, a C extension) running or waiting; its source was not found "
        "under the service's folders, so what it waits on is unknown."
    )


def test_the_lock_holders_sleep_is_a_wait_but_not_a_lock_wait(tmp_path: Path) -> None:
    out = _run(_live("lock"), LOCKS, tmp_path)
    assert [n for n in out.notes if "hold (service.py:15)" in n] == [
        "lock-idle.txt: 5% of the sampled thread time (running or waiting) ends in hold (service.py:15) with "
        "no Python frame below it: Python code running at that line, or native code called from it (a sleep, "
        "I/O, a lock, a C extension) running or waiting; the line is `time.sleep(0.02)`, not a lock "
        "acquisition."
    ]


def test_the_waiting_recording_replaces_the_running_profiles_lock_guess(tmp_path: Path) -> None:
    """Running threads alone hold 2 of the lock's samples (and 5 of Thread.start's Event.wait, the server's
    main thread starting a handler, which waits for a signal, not a lock): the finding's size comes from
    the waiting recording only."""
    running = load_collapsed(LOCKS / "lock-running.txt", source="lock-running.txt")
    hit, _ = lock_waits(running, (LOCKS,), every_thread=False)
    assert hit is not None and [(c.label, round(s, 4)) for c, s in hit.callers] == [
        ("locked_update (service.py:30)", 0.0606),
    ]
    out = _run(_live("lock"), LOCKS, tmp_path)
    locks = [f.subject for f in out.findings if f.kind == "lock_contention"]
    assert locks == ["locked_update (service.py:30)"]


def test_threads_waiting_on_sockets_are_not_lock_waits(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text(
        "import socket\n"
        "def serve(listener):\n"
        "    conn, _ = listener.accept()\n"
        "    data = conn.recv(4096)\n"
    )
    idle = parse_collapsed(
        [
            "<module> (server.py:5);serve (server.py:3);socket.accept (socket.py:294) 50",
            "<module> (server.py:5);serve (server.py:4) 40",
            "<module> (server.py:5);serve (server.py:2) 10",
        ],
        "idle.txt",
    )
    hit, unexplained = lock_waits(idle, (tmp_path,), every_thread=True)
    assert hit is None
    assert [(w.frame.label, w.share, w.source) for w in unexplained] == [
        ("serve (server.py:4)", 0.4, "data = conn.recv(4096)"),
        ("serve (server.py:2)", 0.1, "def serve(listener):"),
    ]


def test_source_is_read_only_inside_the_declared_folders(tmp_path: Path) -> None:
    inside = tmp_path / "app"
    inside.mkdir()
    (tmp_path / "outside.py").write_text("with LOCK:\n")
    idle = parse_collapsed(["f (../outside.py:1) 10"], "idle.txt")
    hit, unexplained = lock_waits(idle, (inside,), every_thread=True)
    assert hit is None and [(w.frame.label, w.source) for w in unexplained] == [("f (../outside.py:1)", None)]


def test_the_waiting_recording_survives_a_saved_and_resumed_run() -> None:
    profile = _live("lock")
    assert Profile.model_validate(profile.model_dump(mode="json")) == profile


def test_a_thread_in_event_wait_waits_for_a_signal_not_a_lock(tmp_path: Path) -> None:
    # the shop's log flusher (`while not self._closed.wait(every_s): self.flush()`) as py-spy --idle recorded
    # it in a live demo, beside the real lock wait of fixtures/lock_waits and Thread.start's handshake
    (tmp_path / "service.py").write_text((LOCKS / "service.py").read_text())
    timer = (
        'process 7:"python -m shop";Thread._bootstrap (threading.py:995);Thread._bootstrap_inner '
        "(threading.py:1038);Thread.run (threading.py:975);"
        "LineFile._flush_periodically (shop/linefile.py:43);Event.wait (threading.py:629);"
        "Condition.wait (threading.py:331) 570"
    )
    lines = (LOCKS / "lock-idle.txt").read_text().splitlines()
    hit, _ = lock_waits(parse_collapsed([*lines, timer], "idle.txt"), (tmp_path,), every_thread=True)
    assert hit is not None and [c.label for c, _ in hit.callers] == ["locked_update (service.py:30)"]
    alone, unexplained = lock_waits(parse_collapsed([timer], "idle.txt"), (tmp_path,), every_thread=True)
    assert alone is None and unexplained == []
