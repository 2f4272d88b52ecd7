"""The `perfpilot` process ends at once after its command (no module teardown) only when nothing can be
lost: the offline run's reports, checkpoints, thread record and logs are complete when it does; a file left
open for writing or another live thread sends the process through the ordinary exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from perfpilot.artifacts.report import RunReport
from perfpilot.cli import process_end
from perfpilot.graphs.checkpoints import open_checkpointer
from perfpilot.reports import write_reports

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "recorded" / "target.yaml"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANTHROPIC_API_KEY": ""}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def _teardown_probe(path: Path) -> str:
    """Code opening `path` before the command starts (so it counts as inherited) and leaving 'TEARDOWN' in
    its buffer: only the interpreter's ordinary teardown writes it out."""
    return f"probe = open({str(path)!r}, 'w')\nprobe.write('TEARDOWN')\n"


def test_the_offline_run_ends_at_once_with_every_output_complete(tmp_path: Path) -> None:
    out, probe = tmp_path / "out", tmp_path / "probe.txt"
    done = _python(
        "import atexit, sys\n"
        "from perfpilot.cli.app import main\n"
        "atexit.register(lambda: print('ATEXIT', flush=True))\n"
        + _teardown_probe(probe)
        + f"sys.argv = ['perfpilot', 'run', {str(EXAMPLE)!r}, '--out', {str(out)!r}]\n"
        "main()\n"
    )
    assert done.returncode == 4, done.stderr[-2000:]  # the example ends `projected`
    assert probe.read_text() == ""  # no teardown: the process ended at once ...
    assert done.stdout.splitlines()[-1] == "ATEXIT"  # ... after the atexit handlers, stdout flushed
    last_log = json.loads(done.stderr.splitlines()[-1])
    assert last_log["event"] == "run.done" and last_log["exit_code"] == 4

    report = RunReport.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    assert report.status == "projected"
    rendered = tmp_path / "rendered"
    write_reports(report, rendered, ("md", "html", "sarif"), target_dir=EXAMPLE.parent)
    for name in ("report.md", "report.html", "report.sarif"):  # every byte of every report was written
        assert (out / name).read_bytes() == (rendered / name).read_bytes(), name

    record = json.loads((out / "threads" / f"{report.run_id}.json").read_text(encoding="utf-8"))
    assert record["thread_id"] == report.run_id and record["status"] == "projected"
    with open_checkpointer(out) as saver:
        last = saver.get_tuple({"configurable": {"thread_id": report.run_id}})
    assert last is not None
    state = last.checkpoint["channel_values"]
    assert state["decision_path"] == report.decision_path and state["status"] == report.status


def test_the_exit_code_survives_the_fast_end(tmp_path: Path) -> None:
    probe = tmp_path / "probe.txt"
    done = _python(
        "import sys\nfrom perfpilot.cli.app import main\n"
        + _teardown_probe(probe)
        + "sys.argv = ['perfpilot', 'run', 'no-such-target.yaml']\nmain()\n"
    )
    assert done.returncode == 2 and probe.read_text() == ""
    assert "no-such-target.yaml" in done.stderr


def test_a_file_the_command_left_open_for_writing_takes_the_ordinary_exit(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    done = _python(
        "from perfpilot.cli import process_end\n"
        "process_end.note_start()\n"
        f"left = open({str(kept)!r}, 'w')\n"
        "left.write('buffered')\n"
        "print(process_end.pending_writes(), flush=True)\n"
        "process_end.end(0)\n"
        "print('ORDINARY')\n"
    )
    assert done.returncode == 0, done.stderr
    reasons, ordinary = done.stdout.splitlines()
    assert reasons.startswith("['descriptor ") and reasons.endswith(" open for writing']")
    assert ordinary == "ORDINARY"
    assert kept.read_text() == "buffered"  # written out by the teardown the fast end would have skipped


def test_a_file_the_command_closed_does_not_hold_the_process() -> None:
    done = _python(
        "import tempfile\n"
        "from perfpilot.cli import process_end\n"
        "process_end.note_start()\n"
        "with tempfile.TemporaryFile('w') as f:\n"
        "    f.write('x')\n"
        "process_end.end(3)\n"
        "print('ORDINARY')\n"
    )
    assert done.returncode == 3 and done.stdout == ""


def test_another_live_thread_takes_the_ordinary_exit() -> None:
    done = _python(
        "import threading, time\n"
        "from perfpilot.cli import process_end\n"
        "process_end.note_start()\n"
        "say = lambda: (time.sleep(0.2), print('THREAD', flush=True))\n"
        "threading.Thread(target=say, name='late').start()\n"
        "print(process_end.pending_writes(), flush=True)\n"
        "process_end.end(0)\n"
        "print('ORDINARY', flush=True)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n") == ["['thread late']", "ORDINARY", "THREAD", ""]


def test_outside_the_entry_point_nothing_is_known_so_nothing_ends_early() -> None:
    assert process_end.pending_writes() == ["open descriptors unknown"]  # pytest never went through main()


def test_a_profiled_command_keeps_its_profile(tmp_path: Path) -> None:
    profile = tmp_path / "version.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "perfpilot.cli.app", "version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert profile.stat().st_size > 0  # cProfile writes it after the program returns: no fast end
