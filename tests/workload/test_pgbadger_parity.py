"""perfpilot's digest of a real PostgreSQL 15 log against pgBadger's classes of the same log.

The fixture was written by PostgreSQL itself (`scripts/record_pg_log.py`: pgbench custom scripts, simple and
extended protocol, log_min_duration_statement = 0); pgBadger (Debian 12.0) reads it here, each of its
classes is mapped onto ours by fingerprinting its sample, and counts and total durations must agree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchmarks.pgbadger_classes import BadgerClass, OurClass, match, pgbadger_command, read_pgbadger
from benchmarks.pgbadger_report import Run, report
from perfpilot.workload.digest import digest_file

LOG = Path(__file__).resolve().parents[1] / "fixtures" / "workload" / "postgres_pgbench.log"

# Our shapes of the fixture with their statement counts (parse and bind lines of the extended protocol are
# not executions: only `execute` lines count, as in pgBadger).
EXPECTED = {
    "select count(*) from orders where status = ? and created_at > now() - interval ?": 5,
    "select count(*) from order_items where quantity >= ?": 2,
    "select p.category, sum(i.quantity) as sold from order_items i join products p on p.id = i.product_id"
    " where i.order_id between ? and ? + ? group by p.category order by ? desc limit ?": 18,
    "select id from customers where email = ?": 31,
    "select id, total, status from orders where customer_id = ? order by created_at desc limit ?": 90,
    "select id, email, balance from customers where id = ?": 166,
    "update customers set balance = balance + ? where id = ?": 27,
    "select count(*) from orders where customer_id = ?": 38,
    "select id, name, price from products where id in (?+)": 63,
    "insert into orders(customer_id, total, status) values (?, ? * ?, ?)": 27,
    "update products set stock = stock - ? where id = ?": 27,
    "commit": 27,
    "begin": 27,
}


def _ours() -> list[OurClass]:
    digest = digest_file(LOG, workers=1)
    return [OurClass(q.fingerprint, q.count, q.total_time_s) for q in digest.queries]


def test_our_classes_of_the_recorded_log() -> None:
    ours = _ours()
    assert {c.fingerprint: c.count for c in ours} == EXPECTED
    # `balance + -3` (simple protocol) and `balance + $1` (prepared) are one shape: the sign is the literal's
    assert sum(c.count for c in ours) == 548


@pytest.fixture(scope="module")
def badger(pgbadger: str, tmp_path_factory: pytest.TempPathFactory) -> list[BadgerClass]:
    """pgBadger's classes of the fixture, from the command the benchmark runs."""
    out = tmp_path_factory.mktemp("pgbadger") / "pgbadger.json"
    command = pgbadger_command(str(LOG), str(out))
    subprocess.run([pgbadger, *command[1:]], check=True, capture_output=True, timeout=120)
    return read_pgbadger(out)


def test_pgbadger_agrees_on_every_shape(badger: list[BadgerClass]) -> None:
    shapes = match(_ours(), badger)

    assert [s.fingerprint for s in shapes if not s.agrees()] == []
    assert {s.fingerprint for s in shapes} == set(EXPECTED)
    # the one pgBadger split: it keeps the spacing around `=` as typed (we normalise it)
    split = {s.fingerprint: sorted(c.normalized for c in s.badger) for s in shapes if len(s.badger) > 1}
    assert split == {
        "select id, email, balance from customers where id = ?": [
            "select id, email, balance from customers where id = ?;",
            "select id, email, balance from customers where id=?;",
        ]
    }
    assert len(badger) == len(EXPECTED) + 1
    assert sum(c.count for c in badger) == 548


def test_the_benchmark_report_states_agreement_and_splits(badger: list[BadgerClass]) -> None:
    shapes = match(_ours(), badger)
    runs = [Run("perfpilot db digest", 2.0, 1.0, 50.0, 0.5)] * 3
    badger_runs = [Run("pgBadger", 3.0, 2.0, 40.0, 0.5)] * 3
    text = report(runs, badger_runs, shapes)

    assert "- statements (executions logged): ours 548, pgBadger 548; classes: ours 13, pgBadger 14" in text
    assert "| perfpilot db digest | 2.0 (2.0-2.0) | 274 | 1.0 (1.0-1.0) | 548 | 50 | 0.5-0.5 |" in text
    assert "- perfpilot per CPU second: 2.0x pgBadger's rate (CPU medians); wall clock: 1.5x" in text
    assert "(to the microsecond per statement): 13 of 13" in text
    assert "same top 10 in the same order (pgBadger's classes added up per shape): yes" in text
    assert "Shapes pgBadger splits (1):" in text
    assert "Shapes that disagree" not in text
