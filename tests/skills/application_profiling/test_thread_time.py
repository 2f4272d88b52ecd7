"""On CPU vs waiting from a running-threads and an --idle recording of the same window."""

from __future__ import annotations

from perfpilot.evidence.collapsed import parse_collapsed
from perfpilot.evidence.profile_models import Profile
from perfpilot.skills.application_profiling.thread_time import thread_time_split

RUNNING = """\
run (app.py:1);handler (app.py:5);score (app.py:9) 30
run (app.py:1);handler (app.py:5);execute (/usr/lib/python3/site-packages/psycopg/cursor.py:700) 10
"""
EVERYTHING = """\
run (app.py:1);handler (app.py:5);score (app.py:9) 30
run (app.py:1);handler (app.py:5);execute (/usr/lib/python3/site-packages/psycopg/cursor.py:700) 40
run (app.py:1);handler (app.py:5);sleep (app.py:12) 30
_bootstrap (threading.py:1);_worker (/py/concurrent/futures/thread.py:89);get (queue.py:171) 100
run_forever (asyncio/base_events.py:1);_run_once (asyncio/base_events.py:2);select (selectors.py:468) 50
"""


def test_idle_workers_are_set_aside_and_the_rest_split_by_what_ran() -> None:
    split = thread_time_split(
        parse_collapsed(RUNNING.splitlines(), "r"), parse_collapsed(EVERYTHING.splitlines(), "a")
    )
    assert (split.all_samples, split.running_samples, split.waiting_for_work_samples) == (250, 40, 150)
    assert (split.on_cpu_share, split.waiting_share) == (0.4, 0.6)  # 40 running of 100 working samples
    assert split.db_driver_share == 0.4  # psycopg on the stack, running or waiting


def test_nothing_but_idle_workers_leaves_the_split_unknown() -> None:
    idle = parse_collapsed(["_worker (/x/concurrent/futures/thread.py:89);get (queue.py:171) 10"], "a")
    split = thread_time_split(Profile(source="r", format="collapsed"), idle)
    assert split.on_cpu_share is None and split.waiting_share is None and split.db_driver_share is None
