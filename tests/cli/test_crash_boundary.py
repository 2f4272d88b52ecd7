"""The CLI's error boundary: an unexpected exception is one line, exit 2, and a redacted crash file."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.cli.crash import CRASH_FILE, crash_folder, guarded


def _boom() -> None:
    raise RuntimeError("cannot parse postgresql://app:hunter2@db/prod")


def test_an_unexpected_exception_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["perfpilot", "run", "t.yaml", "--out", str(tmp_path)]
    assert guarded(_boom, argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("perfpilot: internal error: RuntimeError: cannot parse postgresql://app:")
    assert "hunter2" not in err
    assert f"traceback in {tmp_path / CRASH_FILE}" in err
    crash = (tmp_path / CRASH_FILE).read_text()
    assert "Traceback (most recent call last)" in crash and "_boom" in crash
    assert "hunter2" not in crash


def test_debug_prints_the_traceback_and_is_not_passed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["perfpilot", "--debug", "run", f"--out={tmp_path}"]
    assert guarded(_boom, argv) == 2
    assert "--debug" not in argv
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_exit_codes_pass_through() -> None:
    def done() -> None:
        raise SystemExit(4)

    assert guarded(done, ["perfpilot"]) == 4
    assert guarded(lambda: None, ["perfpilot"]) == 0


def test_without_out_the_crash_goes_to_a_temporary_folder() -> None:
    assert crash_folder(["perfpilot", "db", "digest", "x.log"]).name.startswith("perfpilot-crash-")


def test_a_report_left_by_an_earlier_run_is_removed_before_this_one(tmp_path: Path) -> None:
    from perfpilot.run.request import RunInputError, RunRequest, perform_run

    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.json", "report.md", "report.sarif"):
        (out / name).write_text("an earlier run")
    with pytest.raises(RunInputError):
        perform_run(RunRequest(target=tmp_path / "missing.yaml", out=out))
    assert sorted(p.name for p in out.iterdir()) == []
