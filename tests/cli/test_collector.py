"""The CLI's garbage-collection policy: inert unless the `perfpilot` entry point armed it; armed, collection
is off while a run's modules load, back on (over a frozen heap) afterwards, and the heap frozen at exit."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from perfpilot.cli import collector

ROOT = Path(__file__).resolve().parents[2]


def in_fresh_process(code: str) -> dict[str, object]:
    """What `code` reports (its last stdout line, JSON), run in a new interpreter: freezing this test
    process's heap would keep every later test's garbage."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_unarmed_it_leaves_collection_alone() -> None:
    assert not collector.armed()  # pytest's process never went through main()
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    with collector.loading_modules():
        assert gc.isenabled() == enabled
    collector.before_exit()
    assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, frozen)


def test_armed_collection_pauses_while_loading_then_resumes_over_a_frozen_heap() -> None:
    result = in_fresh_process(
        "import gc, json\n"
        "from perfpilot.cli import collector\n"
        "collector.arm()\n"
        "before = gc.get_freeze_count()\n"
        "with collector.loading_modules():\n"
        "    inside = gc.isenabled()\n"
        "    import perfpilot.artifacts.report\n"
        "print(json.dumps({'before': before, 'inside': inside, 'after': gc.isenabled(),\n"
        "                  'frozen': gc.get_freeze_count()}))"
    )
    assert result["before"] == 0 and result["inside"] is False and result["after"] is True
    assert isinstance(result["frozen"], int) and result["frozen"] > 0


def test_only_the_first_loading_block_freezes() -> None:
    result = in_fresh_process(
        "import gc, json\n"
        "from perfpilot.cli import collector\n"
        "collector.arm()\n"
        "with collector.loading_modules():\n"
        "    pass\n"
        "first = gc.get_freeze_count()\n"
        "garbage = [[] for _ in range(1000)]\n"
        "with collector.loading_modules():\n"
        "    inside = gc.isenabled()\n"
        "print(json.dumps({'same': gc.get_freeze_count() == first, 'inside': inside}))"
    )
    assert result == {"same": True, "inside": True}


def test_armed_collection_left_off_by_the_caller_stays_off() -> None:
    result = in_fresh_process(
        "import gc, json\n"
        "from perfpilot.cli import collector\n"
        "collector.arm()\n"
        "gc.disable()\n"
        "with collector.loading_modules():\n"
        "    pass\n"
        "print(json.dumps({'after': gc.isenabled(), 'frozen': gc.get_freeze_count()}))"
    )
    assert result == {"after": False, "frozen": 0}


def test_the_entry_point_arms_it_and_freezes_the_heap_before_an_ordinary_exit() -> None:
    result = in_fresh_process(
        "import gc, json, sys\n"
        "from perfpilot.cli import collector\n"
        "from perfpilot.cli.app import main\n"
        "sys.argv = ['perfpilot', 'version']\n"
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"  # no fast end (process_end)
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "print(json.dumps({'code': code, 'armed': collector.armed(), 'frozen': gc.get_freeze_count() > 0}))"
    )
    assert result == {"code": 0, "armed": True, "frozen": True}


def test_run_and_resume_load_the_workflow_with_collection_paused(tmp_path: Path) -> None:
    resume = ["resume", "t-1", "--answer", "stop", "--out", str(tmp_path)]
    for argv in (["run", "no-such-target.yaml"], resume):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import atexit, gc, json, sys\n"
                "seen = {}\n"
                "class Watch:\n"
                "    def find_spec(self, name, path=None, target=None):\n"
                "        if name in ('perfpilot.run.request', 'langgraph.types', 'langsmith'):\n"
                "            seen[name] = gc.isenabled()\n"
                "sys.meta_path.insert(0, Watch())\n"
                "atexit.register(lambda: print(json.dumps(seen)))\n"
                f"sys.argv = ['perfpilot', *{argv!r}]\n"
                "from perfpilot.cli.app import main\n"
                "main()\n",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2, done.stderr  # no such target / thread: after the modules loaded
        seen = json.loads(done.stdout.splitlines()[-1])
        assert seen == {"perfpilot.run.request": False, "langgraph.types": False, "langsmith": False}, argv
