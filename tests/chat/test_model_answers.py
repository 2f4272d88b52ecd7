"""Questions answered by the model (the local fake Messages API), grounded in the run's artifacts, cited ids
checked against the run, within the conversation's token budget; commands stay deterministic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfpilot.artifacts.report import RunReport
from perfpilot.chat.model_answers import ModelAnswerer
from perfpilot.chat.session import ChatSession
from perfpilot.config import ModelSettings
from perfpilot.run.request import RunRequest, perform_run
from tests.fakes.messages_api import FakeMessagesAPI, message, tool_use

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recorded" / "target.yaml"
PLANTED = "postgresql://app:Pl4ntedS3cretXyz@db/shop"


@pytest.fixture
def fake_api() -> Iterator[FakeMessagesAPI]:
    api = FakeMessagesAPI().start()
    try:
        yield api
    finally:
        api.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    out = tmp_path_factory.mktemp("chat")
    return perform_run(RunRequest(target=EXAMPLE, out=out, formats=("json",)))


def _answerer(api: FakeMessagesAPI, budget: int = 40_000) -> ModelAnswerer:
    settings = ModelSettings.resolve(api_key="sk-ant-test-key-0000000000", base_url=api.base_url, env={})
    return ModelAnswerer(settings, budget_tokens=budget)


def _said(text: str, cited: list[str], tokens: int = 3000) -> object:
    block = tool_use("answer", {"text": text, "cited": cited})
    return message([block], input_tokens=tokens, output_tokens=60)


def test_an_answer_cites_findings_of_the_run_from_its_artifacts(
    fake_api: FakeMessagesAPI, report: RunReport
) -> None:
    top = report.root_cause.findings[0].id if report.root_cause else ""
    fake_api.script(_said(f"The missing index [{top}] explains most of the time.", [top]))
    answerer = _answerer(fake_api)

    shown = answerer(report, f"what is slowest? my dsn is {PLANTED}")

    assert shown == f"The missing index [{top}] explains most of the time.\nCited: {top}"
    (body,) = fake_api.bodies
    assert body["tool_choice"] == {"type": "tool", "name": "answer"}
    asked = body["messages"][0]["content"]
    artifacts = asked.split("<artifacts>\n", 1)[1].split("\n</artifacts>", 1)[0]
    records = [json.loads(line) for line in artifacts.splitlines()]
    assert {r["finding"] for r in records if "finding" in r} == {f.id for f in report.all_findings()}
    assert {r["change"] for r in records if "change" in r} == {c.id for c in report.plan.changes}  # type: ignore[union-attr]
    assert records[0]["status"] == "projected"
    assert "Pl4ntedS3cretXyz" not in json.dumps(body)
    assert answerer.used_tokens == 3060


def test_an_id_not_in_the_run_is_corrected_once_then_withheld(
    fake_api: FakeMessagesAPI, report: RunReport
) -> None:
    real = report.plan.changes[0].id if report.plan else ""
    fake_api.script(
        _said("Apply [chg-0000000000] first.", ["chg-0000000000"]),
        _said(f"Apply [{real}] first, then db-aaaaaaaaaa.", [real]),
    )
    shown = _answerer(fake_api)(report, "what first?")

    _, second = fake_api.bodies
    (result,) = second["messages"][2]["content"]
    assert result["is_error"] is True and "chg-0000000000" in result["content"]
    assert second["messages"][1]["content"][0]["input"]["cited"] == ["chg-0000000000"]
    assert shown.splitlines() == [
        f"Apply [{real}] first, then [no such id].",
        f"Cited: {real}",
        "Withheld: 1 id that no finding, change or bottleneck of this run has.",
    ]
    assert "db-aaaaaaaaaa" not in shown and "chg-0000000000" not in shown


def test_a_corrected_answer_shows_no_withheld_line(fake_api: FakeMessagesAPI, report: RunReport) -> None:
    real = report.plan.changes[0].id if report.plan else ""
    fake_api.script(_said("See [cost-1234567890].", ["cost-1234567890"]), _said(f"See [{real}].", [real]))
    assert _answerer(fake_api)(report, "which change?") == f"See [{real}].\nCited: {real}"


def test_the_budget_bounds_the_conversation_then_answers_go_offline(
    fake_api: FakeMessagesAPI, report: RunReport
) -> None:
    fake_api.script(_said("One.", [], tokens=8000))
    answerer = _answerer(fake_api, budget=10_000)
    assert answerer(report, "first question?") == "One."
    later = answerer(report, "which index is missing?")
    assert later.startswith("The chat's model budget (10000 tokens) is spent; offline: No model")
    assert "findings" in later
    assert len(fake_api.bodies) == 1  # no call once the budget cannot hold one


def test_in_a_chat_commands_stay_deterministic_and_questions_go_to_the_model(
    fake_api: FakeMessagesAPI, tmp_path: Path
) -> None:
    fake_api.script(_said("Tier T2: several bottlenecks, each with a fix.", []))
    inputs = iter(["findings", "why this tier?", "quit"])
    said: list[str] = []
    session = ChatSession(
        RunRequest(target=EXAMPLE, out=tmp_path, formats=("json",)),
        read=lambda prompt: next(inputs),
        write=said.append,
        answerer=_answerer(fake_api),
    )
    session.run()
    session.loop()
    assert said[-1] == "Tier T2: several bottlenecks, each with a fix."
    assert "Missing index on orders(customer_id" in said[-2]
    assert len(fake_api.bodies) == 1


def test_perfpilot_chat_says_who_answers(fake_api: FakeMessagesAPI, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from perfpilot.cli.app import app

    fake_api.script(_said("Because of the plan.", []))
    runner = CliRunner()
    keyed = {"ANTHROPIC_API_KEY": "sk-ant-test-key-0000000000", "ANTHROPIC_BASE_URL": fake_api.base_url}
    args = ["chat", str(EXAMPLE), "--out", str(tmp_path / "a"), "--answer-budget", "20000"]
    with_key = runner.invoke(app, args, input="why?\nquit\n", env=keyed)
    assert with_key.exit_code == 0, with_key.output
    assert "within 20000 tokens." in with_key.stdout and "Because of the plan." in with_key.stdout

    unkeyed = {"ANTHROPIC_API_KEY": "", "ANTHROPIC_BASE_URL": ""}
    offline = runner.invoke(
        app, ["chat", str(EXAMPLE), "--out", str(tmp_path / "b")], input="why?\nquit\n", env=unkeyed
    )
    assert "Questions are answered offline" in offline.stdout and "Try: status" in offline.stdout
    refused = runner.invoke(
        app, ["chat", str(EXAMPLE), "--out", str(tmp_path / "c"), "--answers", "model"], env=unkeyed
    )
    assert refused.exit_code == 2 and "needs an API key" in refused.stderr
    assert len(fake_api.bodies) == 1
