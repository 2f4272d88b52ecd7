"""Types of the optional C accelerator _slowlog_c.c; perfpilot/workload/accel.py loads it."""

from perfpilot.workload.formats.mysql_slow import SlowLogRow

SOURCE_DIGEST: str

def scan_entries(
    text: str, pos: int, limit: int, line: int, timestamp: str | None, database: str | None, /
) -> tuple[list[SlowLogRow], int, int, str | None]: ...
