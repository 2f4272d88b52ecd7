"""Types of the optional C accelerator _literals_c.c; perfpilot/workload/accel.py loads it."""

SOURCE_DIGEST: str

def mask_literals(sql: str, /) -> str | None: ...
