"""What the generated incidents share: the recording start, app instance names, the files mapping."""

from __future__ import annotations

from datetime import UTC, datetime

START = datetime(2026, 10, 14, 9, 0, 0, tzinfo=UTC)
APPS = ["app-1:8000", "app-2:8000", "app-3:8000"]
Files = dict[str, str]
