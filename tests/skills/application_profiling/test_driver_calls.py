"""Time in a C database driver, which a profile counts at the application line that calls it (real py-spy
recording of the demo shop on sqlite3: fixtures/driver_calls)."""

from __future__ import annotations

from pathlib import Path

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.collapsed import load_collapsed
from perfpilot.evidence.profile_models import Profile
from perfpilot.skills.application_profiling.driver_calls import driver_line, own_share
from perfpilot.skills.application_profiling.findings import profile_findings
from perfpilot.skills.application_profiling.hot_functions import application_hot_paths
from perfpilot.skills.profiling.hot_paths import hot_path_bottlenecks
from perfpilot.target.spec import Target

DRIVER = Path(__file__).resolve().parents[2] / "fixtures" / "driver_calls"


def _profile() -> Profile:
    return load_collapsed(DRIVER / "live-stacks.txt", source="live-stacks.txt")


def test_the_line_calling_sqlite3_holds_the_drivers_time() -> None:
    assert (DRIVER / "shop" / "database.py").read_text().splitlines()[81].strip() == (
        "rows = self._connection().execute(statement, params).fetchall()"
    )
    query = next(h for h in application_hot_paths(_profile(), 0.05) if h.function == "Database.query")
    driver = driver_line(query, (DRIVER,))
    assert driver is not None
    assert (driver.frame.line, driver.share) == (82, 0.7331)
    assert own_share(query, driver) == 0.0003  # 0.7334 exclusive, all but 0.03% at the driver line


def test_driver_time_is_a_queries_finding_not_a_hot_path_to_cache() -> None:
    profile = _profile()
    found = profile_findings(profile, [], application_hot_paths(profile, 0.05), (DRIVER,))
    assert [(f.kind, f.subject, f.impact) for f in found] == [
        ("queries_in_hot_path", "Database.query (shop/database.py:82)", 0.7331),
        ("hot_path", "_shingles (shop/related.py:22)", 0.0944),
    ]
    queries = found[0]
    assert queries.title == "Database.query: waiting on database driver calls takes 73% of profiled CPU"
    assert "reads `rows = self._connection().execute(statement, params).fetchall()`" in queries.root_cause


def test_without_the_source_the_line_stays_the_functions_own() -> None:
    profile = _profile()
    found = profile_findings(profile, [], application_hot_paths(profile, 0.05), ())
    assert [(f.kind, f.subject) for f in found] == [
        ("hot_path", "Database.query (shop/database.py:82)"),
        ("hot_path", "_shingles (shop/related.py:22)"),
    ]


def test_a_source_line_that_only_mentions_execute_in_a_comment_is_not_a_driver_call(tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    lines = (DRIVER / "shop" / "database.py").read_text().splitlines()
    lines[81] = "        rows = self._rows(statement)  # was .execute(statement).fetchall()"
    (shop / "database.py").write_text("\n".join(lines) + "\n")
    query = next(h for h in application_hot_paths(_profile(), 0.05) if h.function == "Database.query")
    assert driver_line(query, (tmp_path,)) is None


def test_profiling_names_the_driver_line_a_database_bottleneck() -> None:
    target = Target.model_validate(
        {
            "name": "shop",
            "evidence": {
                "plans": ["x.json"],
                "service": {"command": ["python", "serve.py"], "workdir": str(DRIVER)},
            },
        }
    )
    evidence = EvidenceBundle(target=target, profiles=[_profile()])
    found = hot_path_bottlenecks(evidence, {"overall": 1.0})
    assert [(b.layer, b.title, b.impact) for b in found] == [
        (
            "database",
            "Database driver calls at Database.query (shop/database.py:82): 73% of profiled CPU",
            0.7331,
        ),
        ("application", "Hot path _shingles (shop/related.py:22): 9% of profiled CPU", 0.0944),
    ]
