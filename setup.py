"""Build hook: the optional C accelerator of the digest (perfpilot/workload/_slowlog_c.c).

Everything else is declared in pyproject.toml. The extension is optional: when it cannot be built
(no C compiler or Python headers), the install goes on and the digest runs its pure-Python path.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "perfpilot.workload._slowlog_c",
            sources=["perfpilot/workload/_slowlog_c.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
