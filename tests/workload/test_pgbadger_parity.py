"""perfpilot's digest of a real PostgreSQL 15 log against pgBadger's classes of the same log.

The fixture was written by PostgreSQL itself (`scripts/record_pg_log.py`: pgbench custom scripts, simple and
extended protocol, log_min_duration_statement = 0); pgBadger (Debian 12.0) reads it here, each of its
classes is mapped onto ours by fingerprinting its sample, and counts and total durations must agree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from benchmarks.pgbadger_classes import OurClass, match, pgbadger_command, read_pgbadger
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


def test_pgbadger_agrees_on_every_shape(pgbadger: str, tmp_path: Path) -> None:
    out = tmp_path / "pgbadger.json"
    command = pgbadger_command(str(LOG), str(out))
    subprocess.run([pgbadger, *command[1:]], check=True, capture_output=True, timeout=120)
    badger = read_pgbadger(out)
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
