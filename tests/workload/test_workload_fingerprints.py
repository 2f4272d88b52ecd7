"""Golden fingerprint cases (tests/fixtures/workload/fingerprints.txt) and fingerprint ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.workload.fingerprint import fingerprint, fingerprint_id

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "workload" / "fingerprints.txt"


def _cases() -> list[tuple[str, str | None, str]]:
    cases = []
    for block in GOLDEN.read_text().split("\n====\n")[1:]:
        statement, expected = block.split("\n=>\n")
        dialect = None
        if statement.startswith("@dialect "):
            first, statement = statement.split("\n", 1)
            dialect = first.split()[1]
        cases.append((statement, dialect, expected.strip("\n")))
    return cases


CASES = _cases()


def test_golden_file_has_enough_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("statement", "dialect", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_golden_fingerprint(statement: str, dialect: str | None, expected: str) -> None:
    assert fingerprint(statement, dialect) == expected


def test_spacing_and_list_length_variants_share_one_shape() -> None:
    variants = [
        "SELECT * FROM t WHERE a=1 AND b IN (1,2)",
        "select * from t where a = 99 and b in (5, 6, 7, 8, 9, 10)",
        "SELECT *\n  FROM t\n WHERE a =3 AND b IN ( 4 )",
        "/* app=x */ SELECT * FROM t WHERE a= 'text' AND b IN ('p', 'q')",
    ]
    shapes = {fingerprint(v) for v in variants}
    assert len(shapes) == 1


def test_different_tables_and_columns_stay_apart() -> None:
    assert fingerprint("select * from orders_2023 where id = 1") != fingerprint(
        "select * from orders_2024 where id = 1"
    )
    assert fingerprint("select a from t where b = 1") != fingerprint("select a from t where c = 1")


def test_fingerprint_id_is_short_stable_hex() -> None:
    text = fingerprint("SELECT * FROM t WHERE id = 1")
    first = fingerprint_id(text)
    assert first == fingerprint_id(fingerprint("select * from t where id=2"))
    assert len(first) == 16
    int(first, 16)
    assert first != fingerprint_id(fingerprint("select * from u where id = 1"))
