"""The 100-query TPC-H workload: seeded, parameters from the specification's domains, dates in range."""

from __future__ import annotations

import random
import re

from benchmarks.tpch_workload import NATIONS, varied_workload, vary

Q7 = "WHERE n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY' AND d BETWEEN '1995-01-01' AND '1996-12-31'"
TEMPLATES = {1: "SELECT 1 WHERE l_shipdate <= CAST('1998-09-02' AS date)", 7: Q7}


def test_the_same_seed_gives_the_same_workload_and_the_first_round_keeps_the_validation_parameters() -> None:
    first = varied_workload(TEMPLATES, 10)
    assert first == varied_workload(TEMPLATES, 10)
    assert list(first)[:4] == ["q1.0", "q7.0", "q1.1", "q7.1"]
    assert first["q1.0"] == TEMPLATES[1] and first["q7.0"] == Q7
    assert len(set(first.values())) > 2


def test_a_variant_moves_every_date_by_the_same_months_and_keeps_distinct_nations_distinct() -> None:
    for seed in range(30):
        text = vary(7, Q7, random.Random(seed))
        nations = re.findall(r"n_name = '([A-Z ]+)'", text)
        assert len(set(nations)) == 2 and set(nations) <= set(NATIONS)
        start, end = re.findall(r"'(\d{4}-\d{2}-\d{2})'", text)
        assert "1992-01-01" <= start < end <= "1998-12-31"
        assert (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) == 23
