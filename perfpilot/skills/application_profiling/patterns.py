"""Recognisable inefficiencies in a profile: one check per pattern, an ordered tuple as the registry.

A check marks the frames of its kind (serialization, regex compilation, database driver calls,
logging, lock waits, blocking I/O); a stack counts for a pattern when a marked frame is on it (and,
for blocking I/O, when it runs under an asyncio event loop). Its samples are grouped by the innermost
application frame above the first marked frame: the code to change."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from perfpilot.artifacts.findings import FixComplexity
from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.application_profiling.origins import origin


def _matcher(pattern: str) -> Callable[[ProfileFrame], bool]:
    compiled = re.compile(pattern)
    return lambda frame: bool(compiled.search(f"{frame.function} @ {frame.file}"))


@dataclass(frozen=True)
class Pattern:
    """One inefficiency: which frames show it, from what share it matters, and what to change."""

    kind: str
    what: str
    marks: Callable[[ProfileFrame], bool]
    min_share: float
    complexity: FixComplexity
    change: str
    avoidable: float
    """Share of the pattern's samples the change removes (1: all of them; below 1: a projection)."""
    under_event_loop: bool = False
    idle: Callable[[ProfileFrame], bool] | None = None
    """Frames that make a marked stack idle rather than a hit (a pool worker waiting for work)."""


# Threads waiting for work or for a signal, not for a lock another thread holds: a worker on its queue, a
# thread in Event.wait (a periodic timer loop, Thread.start's handshake, a result handed over by another
# thread; Event.wait runs Condition.wait on a lock of its own that nothing else contends for).
WAITING_FOR_WORK = _matcher(
    r"^((Simple)?Queue\.)?get @ .*queue\.py|^_worker @ .*concurrent/futures/thread\.py|"
    r"^Event\.wait @ .*threading\.py|"
    r"^java/util/concurrent/ThreadPoolExecutor\.getTask"
)
_EVENT_LOOP = _matcher(r"(^|\.)(_run_once|run_forever|run_until_complete) @ .*asyncio/base_events\.py")

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "regex_compile_in_loop",
        "compiling regular expressions",
        _matcher(
            r"@ .*(re/_compiler|re/_parser|sre_compile|sre_parse)\.py|^regexp\.(Must)?Compile|"
            r"^regexp/syntax\.|java/util/regex/Pattern\.compile"
        ),
        0.03,
        "quick_fix",
        "Compile the pattern once (a module-level constant, or a dict of compiled patterns when it varies "
        "with the input) and reuse it; a pattern built from data inside a loop is usually a single "
        "pattern with a capture group.",
        1.0,
    ),
    Pattern(
        "serialization_hot",
        "serializing and parsing (JSON, pickle, protobuf)",
        _matcher(
            r"@ .*(json/|pickle\.py|copyreg\.py|orjson|ujson|simplejson/|yaml/|msgpack)|"
            r"^encoding/(json|gob|xml)\.|google\.golang\.org/protobuf|com/fasterxml/jackson"
        ),
        0.10,
        "complex",
        "Serialize less and once: return only the fields the caller uses, cache the encoded response "
        "when the data repeats, batch items into one document instead of one call per item, or switch "
        "to a faster encoder (orjson, msgspec) where the format allows.",
        0.5,
    ),
    Pattern(
        "queries_in_hot_path",
        "waiting on database driver calls",
        _matcher(
            r"@ .*(psycopg2?/|sqlalchemy/engine|django/db/backends|pymysql/|MySQLdb/|asyncpg/|"
            r"sqlite3/)|^database/sql\.|^github\.com/(lib/pq|jackc/pgx)|java/sql/|org/postgresql/"
        ),
        0.10,
        "complex",
        "Look for one query per item inside a loop (N+1): fetch the items in one query (IN / JOIN / "
        "prefetch) or cache the lookups that repeat; otherwise the database analysis names the slow "
        "statements.",
        0.5,
    ),
    Pattern(
        "logging_hot",
        "logging",
        _matcher(
            r"@ .*(logging/__init__\.py|logging/handlers\.py|structlog/)|^go\.uber\.org/zap|"
            r"^log\.\(\*Logger\)|org/apache/logging/log4j|ch/qos/logback"
        ),
        0.05,
        "quick_fix",
        "Log less on the request path: raise the level of per-request messages, sample them, and hand "
        "records to a queue handler so formatting and I/O leave the request thread.",
        0.8,
    ),
    Pattern(
        "lock_contention",
        "waiting on locks",
        _matcher(
            r"^((Condition|Event|Semaphore|Barrier)\.)?(wait|acquire|_acquire_restore|_wait) @ "
            r".*threading\.py|^sync\.\(\*(RW)?Mutex\)\.(lockSlow|RLock|Lock)|^runtime\.semacquire|"
            r"^sync\.runtime_Semacquire|LockSupport\.park|Unsafe\.park"
        ),
        0.05,
        "complex",
        "Shorten what runs while the lock is held (compute outside it, then swap), split one lock into "
        "finer-grained ones, or use a lock-free / per-worker structure; in CPython, CPU-bound threads also "
        "contend for the GIL: move that work to processes.",
        0.5,
        idle=WAITING_FOR_WORK,
    ),
    Pattern(
        "blocking_io_on_event_loop",
        "blocking I/O inside the asyncio event loop",
        _matcher(
            r"@ .*(requests/|urllib3/|http/client\.py|socket\.py|ssl\.py|subprocess\.py|"
            r"psycopg2/|psycopg/cursor\.py|pymysql/|sqlite3/|urllib/request\.py)|^(time\.)?sleep @"
        ),
        0.03,
        "complex",
        "Make the call asynchronous (httpx.AsyncClient, asyncpg / psycopg's AsyncConnection, "
        "asyncio.sleep) or run it off the loop with `await asyncio.to_thread(...)`; while it blocks, every "
        "other request on this loop waits.",
        1.0,
        under_event_loop=True,
    ),
)


@dataclass(frozen=True)
class PatternHit:
    """A pattern's share of a profile, by the application function that leads into it."""

    pattern: Pattern
    share: float
    callers: list[tuple[ProfileFrame, float]]
    """(innermost application frame above the pattern, its share of the profile), largest first."""
    detail: str = ""
    """What else the evidence shows (the source lines a lock wait was read from)."""


def _hit(profile: Profile, pattern: Pattern) -> PatternHit | None:
    total = profile.total
    if total <= 0:
        return None
    value = 0.0
    by_caller: dict[int, float] = defaultdict(float)
    for stack in profile.stacks:
        frames = [profile.frames[i] for i in stack.frames]
        first = next((n for n, f in enumerate(frames) if pattern.marks(f)), None)
        if first is None:
            continue
        if pattern.under_event_loop and not any(_EVENT_LOOP(f) for f in frames[:first]):
            continue
        if pattern.idle is not None and any(pattern.idle(f) for f in frames):
            continue
        value += stack.value
        caller = next((n for n in range(first - 1, -1, -1) if origin(frames[n]) == "application"), None)
        by_caller[stack.frames[caller] if caller is not None else -1] += stack.value
    share = value / total
    if share < pattern.min_share:
        return None
    unknown = ProfileFrame(function="(no application frame on the stack)")
    callers = sorted(
        ((profile.frames[i] if i >= 0 else unknown, v / total) for i, v in by_caller.items()),
        key=lambda pair: (-pair[1], pair[0].label),
    )
    return PatternHit(pattern=pattern, share=share, callers=callers)


def pattern_hits(profile: Profile) -> list[PatternHit]:
    """Every pattern that holds at least its minimum share of the profile, in registry order."""
    return [hit for pattern in PATTERNS if (hit := _hit(profile, pattern)) is not None]
