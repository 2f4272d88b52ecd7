"""Build hook: the optional C accelerators of the digest (perfpilot/workload/_*_c.c).

Everything else is declared in pyproject.toml. The extensions are optional: when they cannot be built
(no C compiler or Python headers), the install goes on and the digest runs its pure-Python path. Each
module records the SHA-256 of the source it was built from (SOURCE_DIGEST), so perfpilot/workload/accel.py
can refuse a build that no longer matches its source.
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup


def _extension(name: str) -> Extension:
    source = f"perfpilot/workload/{name}.c"
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
    return Extension(
        f"perfpilot.workload.{name}",
        sources=[source],
        optional=True,
        extra_compile_args=["-O2"],
        define_macros=[("SOURCE_DIGEST", f'"{digest}"')],
    )


setup(ext_modules=[_extension(name) for name in ("_slowlog_c", "_literals_c", "_tally_c")])
