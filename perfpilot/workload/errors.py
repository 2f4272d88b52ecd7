"""The one error the workload package raises for input it cannot use (missing file, not a workload)."""

from __future__ import annotations


class WorkloadError(Exception):
    """A workload source that cannot be read; the message names the file (or the DSN's host)."""
