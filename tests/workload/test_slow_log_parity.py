"""MySQL slow logs as pt-query-digest reads them: administrator commands are classes of their own,
`SET insert_id=...,timestamp=...;` replay prefixes are peeled, the log's dialect is inferred, and a
recognised log with no statements is said to be empty."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from perfpilot.cli.app import app
from perfpilot.workload.digest import digest_file

LOG = """# Time: 2024-01-01T00:00:00.000000Z
# User@Host: app[app] @ localhost []  Id:    11
# Query_time: 2.500000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0
# administrator command: Quit;
# Time: 2024-01-01T00:00:01.000000Z
# User@Host: app[app] @ localhost []  Id:    12
# Query_time: 0.250000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0
SET insert_id=5,timestamp=1704067201;
INSERT INTO t (a) VALUES (1);
# User@Host: app[app] @ localhost []  Id:    12
# Query_time: 0.100000  Lock_time: 0.000000 Rows_sent: 1  Rows_examined: 1
SET timestamp=1704067202;
SELECT * FROM `t-2` WHERE a = "x";
# User@Host: app[app] @ localhost []  Id:    13
# Query_time: 0.050000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0
# administrator command: Ping;
"""


def test_admin_commands_replay_prefixes_and_dialect(tmp_path: Path) -> None:
    path = tmp_path / "slow.log"
    path.write_text(LOG, encoding="utf-8")
    digest = digest_file(path, workers=1)
    assert [(q.fingerprint, q.count, round(q.total_time_s, 3)) for q in digest.queries] == [
        ("administrator command: quit", 1, 2.5),
        ("insert into t(a) values (?+)", 1, 0.25),
        ("select * from `t-2` where a = ?", 1, 0.1),  # "x" is a string in MySQL
        ("administrator command: ping", 1, 0.05),
    ]
    assert digest.total_time_s == 2.9  # no entry's time is dropped
    assert digest.unparsed_lines == 0


def test_a_recognised_log_without_statements_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "banner.log"
    path.write_text(
        "/usr/sbin/mysqld, Version: 8.0.36 (MySQL). started with:\n"
        "Tcp port: 3306  Unix socket: /tmp/mysql.sock\nTime                 Id Command    Argument\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["db", "digest", str(path), "--format", "mysql_slow"])
    assert result.exit_code == 0
    assert (
        f"perfpilot: warning: {path} was read as mysql_slow but holds no statements "
        "(0 lines could not be read as entries)"
    ) in result.stderr
