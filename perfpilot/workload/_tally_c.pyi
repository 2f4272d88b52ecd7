"""Types of the optional C accelerator _tally_c.c; perfpilot/workload/accel.py loads it."""

from collections.abc import Callable, Iterable

from perfpilot.workload.formats.mysql_slow import SlowLogRow
from perfpilot.workload.quantiles import QuantileSketch

SOURCE_DIGEST: str

class Tally:
    def totals(
        self,
    ) -> tuple[
        int, int, float, float, str, float, int | None, int | None, str | None, str | None, QuantileSketch
    ]: ...

def tally_rows(
    rows: Iterable[SlowLogRow],
    mask: Callable[[str], str | None],
    cache: dict[str, str],
    shape_of: Callable[[str], str],
    new_sketch: Callable[[], QuantileSketch],
    shapes: dict[str, Tally],
    /,
) -> None: ...
