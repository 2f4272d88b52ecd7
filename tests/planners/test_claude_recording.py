"""Record/replay: calls filed by step, sequence and request digest (redacted); replay serves them offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.agents.planners.claude import ClaudePlanner
from perfpilot.agents.planners.recording import Recording, Replay, ReplayMissing, open_recorder
from perfpilot.agents.session import ContextItem
from perfpilot.config import ModelSettings
from tests.fakes.messages_api import FakeMessagesAPI, calls, tool_use
from tests.planners.planner_sessions import DESCRIPTIONS, INPUT_MODELS, make_session

SECRET_CONTEXT = [ContextItem("config", "dsn postgresql://app:RecPw99@db/shop", 1.0)]


def build(settings: ModelSettings, recorder: Recording | Replay) -> ClaudePlanner:
    return ClaudePlanner(
        settings,
        recorder=recorder,
        tool_descriptions=DESCRIPTIONS,
        input_models=INPUT_MODELS,
        sleep=lambda s: None,
    )


def record_two_calls(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path, folder: Path
) -> list:
    fake_api.script(
        calls(tool_use("scan-logs", {}, block_id="toolu_r1"), input_tokens=111, output_tokens=11),
        calls(tool_use("scan-logs", {}, block_id="toolu_r2"), input_tokens=111, output_tokens=11),
    )
    planner = build(settings, Recording(folder))
    session = make_session(tmp_path, context=SECRET_CONTEXT)
    return [planner.decide(session), planner.decide(session)]  # identical requests, in order


def test_record_then_replay_offline(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    recorded = record_two_calls(fake_api, settings, tmp_path, folder)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json"))
    assert len(files) == 4 and all(f.startswith("profiling/00") for f in files)
    assert files[0].startswith("profiling/001-") and files[2].startswith("profiling/002-")
    assert files[0].split("-")[1] == files[2].split("-")[1]  # same request digest, told apart by sequence
    request = json.loads((folder / files[0]).read_text())
    assert files[0].endswith(".request.json") and files[1].endswith(".response.json")
    assert "RecPw99" not in json.dumps(request) and "postgresql://app:***@db/shop" in json.dumps(request)
    fake_api.close()  # replay needs neither the server nor a key

    offline = ModelSettings.resolve(env={})
    replayer = build(offline, Replay(folder))
    session = make_session(tmp_path, context=SECRET_CONTEXT)
    replayed = [replayer.decide(session), replayer.decide(session)]
    assert [d.actions for d in replayed] == [d.actions for d in recorded]
    assert [d.usage for d in replayed] == [d.usage for d in recorded]
    assert replayed[1].actions[0].call_id == "toolu_r2"  # type: ignore[union-attr]


def test_missing_recording_names_step_and_sequence(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    record_two_calls(fake_api, settings, tmp_path, folder)
    replayer = build(ModelSettings.resolve(env={}), Replay(folder))
    session = make_session(tmp_path, context=SECRET_CONTEXT)
    replayer.decide(session)
    replayer.decide(session)
    with pytest.raises(ReplayMissing, match=r"step 'profiling' call #3 .*nothing was recorded there"):
        replayer.decide(session)


def test_changed_request_is_reported(
    fake_api: FakeMessagesAPI, settings: ModelSettings, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    record_two_calls(fake_api, settings, tmp_path, folder)
    replayer = build(ModelSettings.resolve(env={}), Replay(folder))
    changed = make_session(tmp_path, context=[ContextItem("config", "something else", 1.0)])
    with pytest.raises(ReplayMissing, match=r"step 'profiling' call #1 .*the request changed"):
        replayer.decide(changed)


def test_open_recorder_options(tmp_path: Path) -> None:
    assert open_recorder() is None
    assert isinstance(open_recorder(record=tmp_path), Recording)
    assert isinstance(open_recorder(replay=tmp_path), Replay)
    with pytest.raises(ValueError, match="not both"):
        open_recorder(record=tmp_path, replay=tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Replay(tmp_path / "nope")


def test_token_counts_are_recorded_and_replayed_for_the_same_requests(tmp_path: Path) -> None:
    """A recording keeps the API's count of each counted request; a replay (no key) serves the same counts,
    so it sizes its requests as the recorded run did."""
    from tests.fakes.judging_model import input_tokens, judging_api

    api = judging_api(1.5).start()
    try:
        settings = ModelSettings.resolve(api_key="sk-ant-test-0000", base_url=api.base_url, env={})
        recorded = build(settings, Recording(tmp_path / "rec"))
        recorded.decide(make_session(tmp_path, budget=6_000))
    finally:
        api.close()
    counts = sorted((tmp_path / "rec" / "counts").glob("*.json"))
    assert len(counts) == len(api.counted) >= 1
    assert json.loads(counts[-1].read_text()) == {"input_tokens": input_tokens(api.bodies[0], 1.5)}

    replayed = build(ModelSettings.resolve(env={}), Replay(tmp_path / "rec"))
    decision = replayed.decide(make_session(tmp_path, budget=6_000))
    assert decision.usage is not None and decision.usage.input_tokens == input_tokens(api.bodies[0], 1.5)
