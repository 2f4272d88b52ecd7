"""A live run: start the service, capture fresh evidence under load, and apply the plan on a sandbox (a SQLite
copy or a PostgreSQL sandbox database)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from perfpilot.artifacts import ImplementationPlan
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.live.apply import applicable, apply_ddl, sandbox_copy
from perfpilot.live.captured import load_captured, save_captured
from perfpilot.live.ledger import (
    STOP_WAIT_S,
    ChangeApplied,
    RunLedger,
    SandboxMade,
    ServiceStarted,
    ToggleEnabled,
)
from perfpilot.live.memtrace import memtrace_dir, traced
from perfpilot.live.pg_live import PgLive, applied_entry
from perfpilot.live.service import ServiceError, ServiceProcess, fill
from perfpilot.live.toggles import switched_on, toggle_changes
from perfpilot.skills.application_profiling.toggles import how_to_turn_on
from perfpilot.skills.database_optimization.api import SANDBOX_PREFIX, parse_dsn
from perfpilot.target.spec import DatabaseSource, MetricsSource, Target, WorkloadSource

WARMUP_S = 5.0
LOG_FLUSH_S = 1.5


def sqlite_path(spec: Target) -> Path | None:
    """The SQLite file a target's DSN names (load_target made relative paths absolute)."""
    db = spec.evidence.database
    if db is None or db.dsn is None or not db.dsn.startswith("sqlite:"):
        return None
    rest = db.dsn[len("sqlite:") :]
    return Path(rest[2:] if rest.startswith("//") else rest)


def postgres_dsn(spec: Target) -> str | None:
    """The PostgreSQL DSN a target's database names, if it names one."""
    db = spec.evidence.database
    if db is None or db.dsn is None or db.dsn.startswith("sqlite:"):
        return None
    try:
        return db.dsn if parse_dsn(db.dsn).dialect == "postgres" else None
    except ValueError:
        return None


class LiveSession:
    """Context manager around one live run. Entering starts the service; leaving always stops it."""

    def __init__(
        self, spec: Target, options: Any, log: Any, *, warmup_s: float = WARMUP_S, keep_sandbox: bool = False,
        sandbox_dsn: str | None = None,
    ) -> None:
        self.spec = spec
        self.options = options
        self.log = log
        self.warmup_s = warmup_s
        # this run's own folder: the service appends to its logs, and another run's lines (an --out used
        # before) must never become this run's evidence; a resumed run keeps its id and its logs
        self.dir: Path = options.workdir / "live" / options.run_id
        self.service: ServiceProcess | None = None
        self.db: Path | None = sqlite_path(spec)
        self.generation = 0
        self.serving: Path | str = ""  # the database the service was last started on
        self.keep_sandbox = keep_sandbox
        self.sandboxes: list[Path] = []
        dsn = postgres_dsn(spec)
        self.pg = PgLive(dsn, self.dir, sandbox_dsn=sandbox_dsn) if dsn else None
        self.evidence: EvidenceBundle | None = None
        self.ledger = RunLedger(options.workdir, options.run_id)
        self.warmup: Any = None  # capture's warm-up, run again on each restart apply makes

    def _argv(self, db: Path | str) -> list[str]:
        http, service = self.spec.evidence.http, self.spec.evidence.service
        assert http is not None and service is not None
        self.generation += 1
        port = str(urlsplit(http.base_url).port or 80)
        self.serving = db
        argv = fill(
            service.command,
            {
                "db": str(db),
                "port": port,
                "query_log": str(self.query_log),
                "access_log": str(self.access_log),
            },
        )
        argv = switched_on(argv, service.toggles, [e.toggle for e in self.ledger.toggles()])[0]
        return traced(argv, memtrace_dir(self.options.workdir)) if service.memory_trace else argv

    def _env(self) -> dict[str, str]:
        """The environment the enabled service toggles set."""
        service = self.spec.evidence.service
        assert service is not None
        return switched_on([], service.toggles, [e.toggle for e in self.ledger.toggles()])[1]

    @property
    def query_log(self) -> Path:
        return self.dir / f"queries-{self.generation}.jsonl"

    @property
    def access_log(self) -> Path:
        return self.dir / f"access-{self.generation}.log"

    def __enter__(self) -> bool:
        http, service = self.spec.evidence.http, self.spec.evidence.service
        if http is None or service is None or (self.db is None and self.pg is None):
            return False
        if self.pg is not None:
            self.pg.preflight(self.options.apply)
            self.options.load_observer = self.pg.observer
        elif self.db is not None and not self.db.exists():
            raise ServiceError(f"{self.spec.evidence.database}: database file {self.db} does not exist")
        self.dir.mkdir(parents=True, exist_ok=True)
        # a killed run of this thread left its service running: its port may take a moment to be released
        port_wait_s = STOP_WAIT_S if self.ledger.stop_left_service(self.log) else 0.0
        workdir = service.workdir or self.spec.root
        initial: Path | str
        if self.pg is not None:
            initial = self.pg.original
        else:
            assert self.db is not None
            initial = self.db
            sandbox = self.ledger.sandbox()
            if sandbox is not None and self.options.apply == "sandbox":
                self.sandboxes.append(sandbox)  # resumed after changes were applied: serve what they changed
                initial = sandbox if self.ledger.applied(sandbox) else self.db
        self.service = ServiceProcess(
            self._argv(initial),
            workdir=workdir,
            ready_url=http.base_url + service.ready_path,
            log_path=self.dir / "service.log",
            env=self._env(),
        )
        self.service.on_spawn = lambda pid, argv: self.ledger.add(ServiceStarted(pid=pid, argv=argv))
        self.service.start(port_wait_s)
        self.options.service_pid = self.service.pid
        self.options.running_service = lambda: self.service.pid if self.service is not None else None
        if self.options.apply != "none":
            self.options.applier = self.apply
        return True

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.service is not None:
            self.service.stop()
        if self.pg is not None:
            self.pg.close(self.keep_sandbox)
        for copy in self.sandboxes:
            if self.keep_sandbox:
                self.log.info("sandbox.kept", path=str(copy))
            elif copy.parent.name.startswith(SANDBOX_PREFIX):
                shutil.rmtree(copy.parent, ignore_errors=True)

    def live_target(self) -> Target:
        """The target with this run's query log, access log and metrics in place of the recorded ones:
        every figure of a live report comes from this run (recorded logs of the same kinds are dropped;
        the other recorded sources, e.g. Dockerfiles and the inventory, are not measured by a run)."""
        http = self.spec.evidence.http
        assert http is not None
        db = self.spec.evidence.database
        dialect = db.dialect if db is not None else "sqlite"
        # PostgreSQL: the original's DSN, read only (catalog, statistics, EXPLAIN without ANALYZE)
        dsn = self.pg.original if self.pg is not None else f"sqlite://{self.db}"
        evidence = self.spec.evidence.model_copy(
            update={
                "workload": [WorkloadSource(path=self.query_log, format="jsonl", dialect=dialect)],
                "access_logs": [self.access_log],
                "metrics": [MetricsSource(url=f"{http.base_url}/metrics")],
                "database": DatabaseSource(dsn=dsn, dialect=dialect),
            }
        )
        return self.spec.model_copy(update={"evidence": evidence})

    def capture(self, warmup: Any, strict: bool) -> EvidenceBundle:
        """Drive a short warm-up load (which also fills the logs), then load the live evidence. A resumed
        run reuses the evidence its thread captured (the same measurements, no second warm-up)."""
        from perfpilot.evidence.load import load_evidence

        self.warmup = warmup
        if (captured := load_captured(self.ledger.dir, self.live_target())) is not None:
            self.log.info("evidence.reused", folder=str(self.ledger.dir))
            self.evidence = captured
            return captured
        warmup(self.warmup_s)
        time.sleep(LOG_FLUSH_S)  # services flush their logs periodically: let the warm-up's lines land
        self.evidence = load_evidence(self.live_target(), strict=strict)
        save_captured(self.evidence, self.ledger.dir)
        return self.evidence

    def apply(self, plan: ImplementationPlan) -> list[str]:
        """Apply auto-applicable DDL to a sandbox copy (or, confirmed, the original) and restart on it; turn
        on the declared service toggles the plan enables (a restart of the service perfpilot started)."""
        assert self.service is not None
        changes = applicable(plan)
        toggled = self._enable_toggles(plan)
        if not changes:
            if toggled:
                self._restart(self.serving)
            return toggled
        if self.pg is not None:
            return self._apply_postgres(changes) + toggled
        assert self.db is not None
        target_db = self.db if self.options.apply == "original" else self._sandbox()
        where = "original database" if target_db == self.db else f"sandbox copy {target_db}"
        done = {entry.change for entry in self.ledger.applied(target_db)}
        if done:
            self.log.info("apply.already_applied", changes=sorted(done), where=where)

        def record(change_id: str) -> None:
            self.ledger.add(ChangeApplied(change=change_id, database=str(target_db), where=where))

        apply_ddl(target_db, [c for c in changes if c.id not in done], on_applied=record)
        applied = [entry.change for entry in self.ledger.applied(target_db)]
        self._restart(target_db)
        self.log.info("apply.done", changes=applied, where=where)
        return [f"{cid} ({where})" for cid in applied] + toggled

    def _restart(self, db: Path | str) -> None:
        """Restart the service on `db` and warm it up as the before-state was (a fresh process has cold
        caches: measured cold, the after-state would not be measured like the before-state)."""
        assert self.service is not None
        self.service.restart(self._argv(db), self._env())
        if self.warmup is not None and self.warmup_s > 0:
            self.warmup(self.warmup_s, "warmup-after")

    def _enable_toggles(self, plan: ImplementationPlan) -> list[str]:
        """Record each toggle the plan turns on (the next start of the service uses it); all enabled."""
        service = self.spec.evidence.service
        assert service is not None
        done = {e.toggle for e in self.ledger.toggles()}
        for change, toggle in toggle_changes(plan, service.toggles):
            if toggle.name not in done:
                self.ledger.add(ToggleEnabled(change=change.id, toggle=toggle.name))
                self.log.info("apply.toggle", change=change.id, toggle=toggle.name, rollback=change.rollback)
        declared = {t.name: t for t in service.toggles}
        return [
            f"{e.change} (service toggle {e.toggle}: {how_to_turn_on(declared[e.toggle])}, on the service "
            "perfpilot started)"
            for e in self.ledger.toggles()
            if e.toggle in declared
        ]

    def _sandbox(self) -> Path:
        """This thread's sandbox copy: the one the ledger names, or a fresh one (then recorded)."""
        assert self.db is not None
        existing = self.ledger.sandbox()
        if existing is not None:
            return existing
        copy = sandbox_copy(self.db)
        self.sandboxes.append(copy)
        self.ledger.add(SandboxMade(database=str(copy)))
        return copy

    def _apply_postgres(self, changes: list[Any]) -> list[str]:
        """Stop the service (so the original can serve as a template), apply in a sandbox database, restart
        the service on it. The original is only read."""
        assert self.service is not None and self.pg is not None
        self.service.stop()
        workloads = self.evidence.workloads if self.evidence is not None else []
        checks, where = self.pg.apply(changes, workloads)
        self._restart(self.pg.serving)
        applied = [c for c in checks if c.outcome == "applied"]
        self.log.info("apply.done", changes=[c.change_id for c in applied], where=where)
        return [applied_entry(c, where) for c in applied]
