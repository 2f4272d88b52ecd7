"""The run's side-effect ledger: what a live run did outside its graph state, so a resume never repeats it.

One JSON line per fact, appended and flushed to disk as soon as the fact is true: the service process
started (to stop it when its run was killed), the sandbox copy made, each change applied to it, and each
finished load test. A resumed run reads the ledger of its thread and reuses what it finds."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

LEDGER_DIR = "ledger"
STOP_WAIT_S = 10.0


class ServiceStarted(BaseModel):
    kind: Literal["service"] = "service"
    pid: int
    argv: list[str]


class SandboxMade(BaseModel):
    kind: Literal["sandbox"] = "sandbox"
    database: str


class ChangeApplied(BaseModel):
    kind: Literal["applied"] = "applied"
    change: str
    database: str
    where: str


class ToggleEnabled(BaseModel):
    """A declared service toggle turned on: the service restarts with it from then on (resumes too)."""

    kind: Literal["toggle"] = "toggle"
    change: str
    toggle: str


class LoadTestFinished(BaseModel):
    kind: Literal["load_test"] = "load_test"
    key: str
    output: str  # file holding the skill's output (JSON)


Entry = ServiceStarted | SandboxMade | ChangeApplied | ToggleEnabled | LoadTestFinished
ENTRY: TypeAdapter[Entry] = TypeAdapter(Entry)


class RunLedger:
    """The ledger file of one thread, under the run's work folder."""

    def __init__(self, workdir: Path, thread_id: str) -> None:
        self.dir = workdir / LEDGER_DIR / thread_id
        self.path = self.dir / "ledger.jsonl"

    def entries(self) -> list[Entry]:
        if not self.path.is_file():
            return []
        text = self.path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if lines and not text.endswith("\n"):  # killed while writing it: that fact was not recorded
            lines.pop()
        return [ENTRY.validate_json(line) for line in lines if line.strip()]

    def add(self, entry: Entry) -> None:
        """Append one fact and flush it to disk before returning (a kill -9 after this keeps it)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(entry.model_dump_json() + "\n")
            out.flush()
            os.fsync(out.fileno())

    def sandbox(self) -> Path | None:
        """The sandbox copy this thread applied to (when it still exists)."""
        made = [e for e in self.entries() if isinstance(e, SandboxMade)]
        path = Path(made[-1].database) if made else None
        return path if path is not None and path.exists() else None

    def applied(self, database: Path) -> list[ChangeApplied]:
        return [e for e in self.entries() if isinstance(e, ChangeApplied) and e.database == str(database)]

    def toggles(self) -> list[ToggleEnabled]:
        return [e for e in self.entries() if isinstance(e, ToggleEnabled)]

    def load_test(self, key: str) -> Path | None:
        found = [e for e in self.entries() if isinstance(e, LoadTestFinished) and e.key == key]
        path = Path(found[-1].output) if found else None
        return path if path is not None and path.is_file() else None

    def stop_left_service(self, log: Any) -> bool:
        """Stop the service a killed run of this thread left running (only if it is still that command);
        whether one was stopped."""
        stopped = False
        for entry in self.entries():
            if isinstance(entry, ServiceStarted) and _runs(entry.pid, entry.argv):
                try:
                    os.killpg(entry.pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                deadline = time.monotonic() + STOP_WAIT_S  # its port is free once it has exited
                while not _exited(entry.pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                log.warning("service.left_running_stopped", pid=entry.pid)
                stopped = True
        return stopped


def _exited(pid: int) -> bool:
    """Whether pid has finished exiting: gone, or a zombie whose other threads have gone too (a
    multi-threaded leader shows as a zombie while its threads still hold its files, sockets included)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X") and threads <= 1


def _runs(pid: int, argv: list[str]) -> bool:
    """Whether process pid is alive and still runs argv (a recycled pid belongs to someone else)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part] == argv

