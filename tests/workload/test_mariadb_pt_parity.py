"""Fingerprints against pt-query-digest on a real MariaDB slow log (scripts/record_mariadb/record.sh).

The reference is pt's: `pt_fingerprints.tsv` holds pt-query-digest's fingerprint of every entry, in log
order, and `pt_classes.json` its classes (count, total Query_time). Classes are compared as sets of log
entries: two entries share a class here exactly when they share one in pt, except where listed below,
each difference for a documented reason (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfpilot.cli.app import app
from perfpilot.workload.digest import digest_file
from perfpilot.workload.events import ParseStats
from perfpilot.workload.fingerprint import fingerprint
from perfpilot.workload.fingerprint_pt import pt_fingerprint
from perfpilot.workload.formats.mysql_slow import iter_slow_log_rows

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "workload" / "mariadb"
LOG = HERE / "slow.log"

# pt-query-digest quirks perfpilot does not follow in either mode: pt splits one shape by spacing
# around an operator, by a doubled quote inside a string ('it''s' -> ??), and by the space a trailing
# comment leaves behind. perfpilot (both modes) puts each pair in one class.
PT_SPLITS = {
    frozenset({"select * from orders where id = ?", "select * from orders where id=?"}),
    frozenset({"select * from orders where status = ? and total > ?",
               "select * from orders where status = ?? and total > ?"}),
    frozenset({"select total from orders where id = ?", "select total from orders where id = ? "}),
}
# perfpilot's own rules (the default) split what pt merges: true/false/null kept, limit ?, ? and
# limit ? offset ? kept, asc kept. `--fingerprint pt` merges them as pt does.
PERFPILOT_SPLITS = {
    "select * from orders where is_paid = ?": {
        "select * from orders where is_paid = ?", "select * from orders where is_paid = true",
        "select * from orders where is_paid = false",
    },
    "select * from orders order by created_at limit ?": {
        "select * from orders order by created_at asc limit ?",
        "select * from orders order by created_at limit ?",
    },
    "select * from orders order by id limit ?": {
        "select * from orders order by id limit ?, ?", "select * from orders order by id limit ? offset ?",
    },
}


def _entries() -> tuple[list[str], list[str]]:
    with LOG.open(encoding="utf-8") as handle:
        statements = [row[0] for row in iter_slow_log_rows(handle, ParseStats(str(LOG)))]
    with (HERE / "pt_fingerprints.tsv").open(encoding="utf-8") as lines:
        pt = [line.rstrip("\n").split("\t", 1)[1] for line in lines]
    return statements, pt


def _classes(keys: list[str]) -> dict[frozenset[int], str]:
    members: dict[str, set[int]] = defaultdict(set)
    for index, key in enumerate(keys):
        members[key].add(index)
    return {frozenset(v): k for k, v in members.items()}


def _differences(ours: list[str], pt: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(our classes that are not pt's -> the pt fingerprints they hold, pt's that are not ours -> ours)."""
    mine, theirs = _classes(ours), _classes(pt)
    merged = {fp: {pt[i] for i in m} for m, fp in mine.items() if m not in theirs}
    split = {fp: {ours[i] for i in m} for m, fp in theirs.items() if m not in mine}
    return merged, split


def test_every_entry_is_read_in_the_order_pt_reads_it() -> None:
    statements, pt = _entries()
    assert len(statements) == len(pt) == 112
    assert len(set(pt)) == 80  # pt-query-digest's classes


def test_perfpilot_rules_against_pt() -> None:
    statements, pt = _entries()
    ours = [fingerprint(sql, "mysql") for sql in statements]
    merged, split = _differences(ours, pt)
    assert {frozenset(v) for v in merged.values() if len(v) > 1} == PT_SPLITS
    assert {fp: members for fp, members in split.items() if len(members) > 1} == PERFPILOT_SPLITS
    # every other difference is one of those two kinds seen from the other side
    singles = {fp for fp, members in merged.items() if len(members) == 1}
    assert singles == set().union(*PERFPILOT_SPLITS.values())
    assert {fp for fp, members in split.items() if len(members) == 1} == set().union(*PT_SPLITS)


def test_pt_rules_give_pt_classes_but_for_pt_splitting_quirks() -> None:
    statements, pt = _entries()
    ours = [pt_fingerprint(fingerprint(sql, "mysql")) for sql in statements]
    merged, split = _differences(ours, pt)
    assert {frozenset(v) for v in merged.values()} == PT_SPLITS
    assert set(split) == set().union(*PT_SPLITS)
    assert len(set(ours)) == 80 - len(PT_SPLITS)


@pytest.mark.parametrize(("statement", "perfpilot", "pt_rules", "pt"), [
    ("SELECT * FROM orders WHERE is_paid = TRUE;",
     "select * from orders where is_paid = true", "select * from orders where is_paid = ?",
     "select * from orders where is_paid = ?"),
    ("SELECT * FROM orders WHERE note IS NULL;",
     "select * from orders where note is null", "select * from orders where note is ?",
     "select * from orders where note is ?"),
    ("SELECT * FROM orders ORDER BY created_at DESC, id ASC LIMIT 10, 20;",
     "select * from orders order by created_at desc, id asc limit ?, ?",
     "select * from orders order by created_at desc, id limit ?",
     "select * from orders order by created_at desc, id limit ?"),
    ("SELECT * FROM orders ORDER BY id LIMIT 5 OFFSET 10;",
     "select * from orders order by id limit ? offset ?", "select * from orders order by id limit ?",
     "select * from orders order by id limit ?"),
    ("SELECT * FROM `order-items` WHERE `order_id` = 7;",
     "select * from `order-items` where `order_id` = ?", "select * from `order?items` where `order_id` = ?",
     "select * from `order?items` where `order_id` = ?"),
    ("DELETE FROM t2 WHERE id > 100;", "delete from t2 where id > ?", "delete from t? where id > ?",
     "delete from t? where id > ?"),
    ("CALL add_order(5, 'new');", "call add_order(?, ?)", "call add_order", "call add_order"),
    ("SELECT * FROM orders WHERE flags = 0b0101;",
     "select * from orders where flags = ?", "select * from orders where flags = ?",
     "select * from orders where flags = ?"),
])
def test_each_documented_difference_in_both_modes(
    statement: str, perfpilot: str, pt_rules: str, pt: str
) -> None:
    statements, recorded = _entries()
    assert recorded[statements.index(statement.rstrip(";"))] == pt  # what pt-query-digest wrote
    assert fingerprint(statement, "mysql") == perfpilot
    assert pt_fingerprint(perfpilot) == pt_rules == pt


def test_digest_in_pt_mode_has_pt_counts_and_times() -> None:
    reference = json.loads((HERE / "pt_classes.json").read_text(encoding="utf-8"))["classes"]
    digest = digest_file(LOG, fingerprint_rules="pt", workers=1)
    ours = {q.fingerprint: (q.count, round(q.total_time_s, 6)) for q in digest.queries}
    expected: dict[str, tuple[int, float]] = {}
    for item in reference:
        key = next((min(pair) for pair in PT_SPLITS if item["fingerprint"] in pair), item["fingerprint"])
        count, seconds = expected.get(key, (0, 0.0))
        expected[key] = (count + item["count"], round(seconds + item["query_time_sum"], 6))
    assert sorted(ours.values()) == sorted(expected.values())
    assert digest.total_count == sum(item["count"] for item in reference) == 112


def test_cli_switch_between_rules() -> None:
    runner = CliRunner()
    default = runner.invoke(app, ["db", "digest", str(LOG), "--json"])
    pt = runner.invoke(app, ["db", "digest", str(LOG), "--json", "--fingerprint", "pt"])
    assert default.exit_code == pt.exit_code == 0
    default_shapes = {q["fingerprint"] for q in json.loads(default.stdout)["queries"]}
    pt_shapes = {q["fingerprint"] for q in json.loads(pt.stdout)["queries"]}
    assert (len(default_shapes), len(pt_shapes)) == (81, 77)
    assert "select * from orders where is_paid = true" in default_shapes
    assert "select * from orders where is_paid = ?" in pt_shapes
    assert "select * from orders where is_paid = true" not in pt_shapes
    bad = runner.invoke(app, ["db", "digest", str(LOG), "--fingerprint", "mysql"])
    assert bad.exit_code == 2


def test_regrouping_sums_totals_and_keeps_the_seen_span(tmp_path: Path) -> None:
    log = tmp_path / "slow.log"
    entry = (
        "# Time: 2024-01-0{day}T00:00:00.000000Z\n# User@Host: a[a] @ localhost []  Id: 1\n"
        "# Query_time: {time}  Lock_time: 0.000000 Rows_sent: 1  Rows_examined: {rows}\n"
        "SET timestamp=170406720{day};\n{sql};\n"
    )
    log.write_text(
        "".join(entry.format(day=day, time=time, rows=rows, sql=sql) for day, time, rows, sql in [
            (1, "0.100000", 10, "SELECT * FROM t WHERE done = TRUE"),
            (2, "0.200000", 20, "SELECT * FROM t WHERE done = FALSE"),
            (3, "0.400000", 40, "SELECT * FROM t WHERE done = TRUE"),
        ]),
        encoding="utf-8",
    )
    default = digest_file(log, workers=1)
    assert [(q.fingerprint, q.count) for q in default.queries] == [
        ("select * from t where done = true", 2), ("select * from t where done = false", 1),
    ]
    [merged] = digest_file(log, workers=1, fingerprint_rules="pt").queries
    assert (merged.fingerprint, merged.count, merged.total_time_s, merged.rows_examined) == (
        "select * from t where done = ?", 3, pytest.approx(0.7), 70,
    )
    assert (merged.first_seen, merged.last_seen) == (
        "2024-01-01T00:00:00.000000Z", "2024-01-03T00:00:00.000000Z",
    )
    with pytest.raises(ValueError, match="unknown fingerprint rules"):
        digest_file(log, workers=1, fingerprint_rules="mysql")
