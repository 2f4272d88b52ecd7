"""In-place fixes to one RUN's shell text: apt without recommends and with its lists removed, pip and apk
without their caches (left alone where a BuildKit cache mount already keeps them out of the layer). Edits
are insertions, so `||`, `;` and quoting keep their meaning."""

from __future__ import annotations

import re

_APT_INSTALL = re.compile(r"(\bapt(?:-get)?\b(?:\s+-\S+)*\s+install\b)")
_PIP_INSTALL = re.compile(r"(\b(?:pip[23]?|python[23]?\s+-m\s+pip)\s+install\b)")
_APT_ANY = re.compile(r"\bapt(?:-get)?\b(?:\s+-\S+)*\s+(?:install|update)\b")
_LISTS = re.compile(r"rm\s+-[a-zA-Z]*\s+/var/lib/apt/lists")
_APK_ADD = re.compile(r"(\bapk\s+add\b)")
_CACHE_MOUNT = re.compile(r"--mount=\S*type=cache\S*target=(\S+)")
_APT_UPDATE_ONLY = re.compile(r"^\s*apt(?:-get)?\s+(?:-\S+\s+)*update(?:\s+-\S+)*\s*$")

CLEAN_APT_LISTS = "rm -rf /var/lib/apt/lists/*"


def is_update_only(arguments: str) -> bool:
    """A RUN that only refreshes the apt lists."""
    return bool(_APT_UPDATE_ONLY.match(arguments))


def has_apt(arguments: str) -> bool:
    return bool(_APT_ANY.search(arguments))


def fix_run(arguments: str, prepend_update: bool = False) -> str:
    """The RUN's shell text with the apt and pip fixes applied."""
    if arguments.lstrip().startswith("["):
        return arguments
    text = arguments.strip()
    mounts = " ".join(m.split(",")[0] for m in _CACHE_MOUNT.findall(text))
    text = _APT_INSTALL.sub(
        lambda m: (
            m.group(1) if "--no-install-recommends" in text else f"{m.group(1)} --no-install-recommends"
        ),
        text,
    )
    if ".cache/pip" not in mounts and "PIP_NO_CACHE_DIR" not in text:  # a cache mount is not in the layer
        text = _PIP_INSTALL.sub(
            lambda m: m.group(1) if "--no-cache-dir" in text else f"{m.group(1)} --no-cache-dir", text
        )
    text = _APK_ADD.sub(lambda m: m.group(1) if "--no-cache" in text else f"{m.group(1)} --no-cache", text)
    if prepend_update and "update" not in text.split("&&")[0]:
        text = f"apt-get update && {text}"
    if has_apt(text) and not _LISTS.search(text) and "/var/lib/apt" not in mounts:
        text = f"{text} && {CLEAN_APT_LISTS}"
    return text


def render_run(arguments: str) -> str:
    """RUN with one command per line for && chains."""
    if arguments.lstrip().startswith("["):
        return f"RUN {arguments}"
    return "RUN " + " \\\n    && ".join(part.strip() for part in arguments.split("&&"))
