"""Build hook: the optional C accelerators of the digest (perfpilot/workload/_slowlog_c.c, _tally_c.c).

Everything else is declared in pyproject.toml. The extensions are optional: when they cannot be built
(no C compiler or Python headers), the install goes on and the digest runs its pure-Python path.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            f"perfpilot.workload.{name}",
            sources=[f"perfpilot/workload/{name}.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
        for name in ("_slowlog_c", "_tally_c")
    ]
)
