"""A scripted chat session over the recorded example: commands, a free-form question, a rerun."""

from __future__ import annotations

from pathlib import Path

from perfpilot.artifacts.report import RunReport
from perfpilot.chat.session import ChatSession
from perfpilot.run.request import RunRequest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recorded" / "target.yaml"


def test_a_scripted_conversation(tmp_path: Path) -> None:
    inputs = iter(["findings", "plan", "rollback", "why this tier?", "rerun analysis=900", "budget", "quit"])
    said: list[str] = []
    questions: list[str] = []

    def answerer(report: RunReport, question: str) -> str:
        questions.append(question)
        return f"answered from a report with {len(report.findings)} findings"

    session = ChatSession(
        RunRequest(target=EXAMPLE, out=tmp_path, formats=("json",)),
        read=lambda prompt: next(inputs),
        write=said.append,
        answerer=answerer,
    )
    session.run()
    session.loop()
    transcript = "\n".join(said)
    assert said[1].startswith("projected (tier T2): profiling -> analysis -> optimization -> validation")
    assert "Missing index on orders(customer_id" in transcript
    assert "DROP INDEX CONCURRENTLY IF EXISTS" in transcript
    assert questions == ["why this tier?"]
    assert "incomplete (tier T2)" in transcript  # the rerun's analysis ran out of its 900 tokens
    assert (tmp_path / "report.json").exists()


def test_show_names_unknown_ids(tmp_path: Path) -> None:
    inputs = iter(["show nope", "quit"])
    said: list[str] = []
    session = ChatSession(
        RunRequest(target=EXAMPLE, out=tmp_path, formats=("json",)),
        read=lambda p: next(inputs),
        write=said.append,
    )
    session.run()
    session.loop()
    assert said[-1] == "No finding or change with id 'nope'."


def test_a_chat_continues_a_headless_runs_escalation_in_another_session(tmp_path: Path) -> None:
    import yaml

    from perfpilot.run.request import perform_run, resume_request

    incident_dir = EXAMPLE.parents[2] / "perfpilot" / "evals" / "incidents" / "single-node-db-saturated"
    incident = yaml.safe_load((incident_dir / "incident.yaml").read_text(encoding="utf-8"))
    for name in ("metrics.prom", "inventory.yaml"):
        (tmp_path / name).write_bytes((incident_dir / name).read_bytes())
    (tmp_path / "target.yaml").write_text(yaml.safe_dump(incident["target"]), encoding="utf-8")
    out = tmp_path / "out"
    headless = perform_run(RunRequest(target=tmp_path / "target.yaml", out=out, formats=("json",)))
    assert headless.status == "escalated"

    inputs = iter(["proceed", "quit"])
    said: list[str] = []
    session = ChatSession(
        resume_request(out, headless.run_id), read=lambda p: next(inputs), write=said.append
    )
    report = session.run()
    session.loop()
    assert report.run_id == headless.run_id and report.tier == "T3"
    assert report.decision_path[:4] == ["profiling", "analysis", "escalation", "optimization"]
    assert any("architecture limitation" in line for line in said)  # the escalation was asked in the chat
