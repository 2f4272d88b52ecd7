"""Whose code a frame is: the application's, a library's, or the language runtime's.

Python (py-spy shows paths relative to sys.path entries): a file under site-/dist-packages, or whose
first path part is a package installed in this environment (importlib.metadata), is a library's; a
standard-library module (sys.stdlib_module_names) or a `<frozen ...>` file is the runtime's. (A library
installed where the service runs but not here, under a shortened path, counts as application code.)
Go: a function of the main module's packages is the application's; a standard package (first path
element without a dot, e.g. encoding/json, runtime) or a file under GOROOT is runtime; other module
paths (github.com/...) are libraries. Java: java/, javax/, jdk/, sun/ are runtime.
Perf symbols without a file: [unknown], kernel and libc/so frames are runtime."""

from __future__ import annotations

import re
import sys
from functools import cache
from importlib.metadata import packages_distributions
from typing import Literal

from perfpilot.evidence.profile_models import ProfileFrame

Origin = Literal["application", "library", "runtime"]

_STDLIB = frozenset(sys.stdlib_module_names)
_GO_FUNCTION = re.compile(r"^(?P<package>[\w.\-/]+?)\.(?:\(\*?[\w\[\].,\s]+\)\.)?[\w.$\-]+$")
_GOROOT_MARKERS = ("/go/src/", "/usr/lib/go", "/usr/local/go/", "/goroot/")
_JAVA_RUNTIME = ("java/", "javax/", "jdk/", "sun/", "com/sun/")
_NATIVE_RUNTIME = re.compile(r"^(\[unknown\]|\[k\]|\[vdso\]|.*\.so(\.\d+)*$|__\w+|_start)$")


@cache
def _installed_packages() -> frozenset[str]:
    return frozenset(packages_distributions())


def _python(file: str) -> Origin:
    if file.startswith("<"):
        return "runtime"
    parts = file.replace("\\", "/").split("/")
    if "site-packages" in parts or "dist-packages" in parts:
        return "library"
    first = parts[-1].removesuffix(".py") if len(parts) == 1 else parts[0]
    if first in _STDLIB:
        return "runtime"
    if len(parts) > 1 and first in _installed_packages():
        return "library"
    if file.startswith("/") and any(p.startswith("python3") for p in parts):
        return "runtime"
    return "application"


def _go(frame: ProfileFrame) -> Origin:
    match = _GO_FUNCTION.match(frame.function)
    package = match["package"] if match else frame.function.split(".", 1)[0]
    if package == "main" or package.startswith("main."):
        return "application"
    first = package.split("/", 1)[0]
    if "." not in first:
        return "runtime"
    return "library" if "/pkg/mod/" in frame.file or "/vendor/" in frame.file else "application"


def origin(frame: ProfileFrame) -> Origin:
    """Whose code the frame is (see the module docstring)."""
    if frame.file.endswith(".py") or frame.file.startswith("<"):
        return _python(frame.file)
    if any(marker in frame.file for marker in _GOROOT_MARKERS):
        return "runtime"
    if frame.file.endswith((".go", ".s")):
        return _go(frame)
    if frame.function.startswith(_JAVA_RUNTIME):
        return "runtime"
    if not frame.file and _NATIVE_RUNTIME.match(frame.function):
        return "runtime"
    return "application"
