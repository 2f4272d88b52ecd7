"""In-place fixes to one RUN's shell text: apt without recommends and with its lists removed, pip without
its cache. Edits are insertions, so `||`, `;` and quoting keep their meaning."""

from __future__ import annotations

import re

_APT_INSTALL = re.compile(r"(\bapt(?:-get)?\b(?:\s+-\S+)*\s+install\b)")
_PIP_INSTALL = re.compile(r"(\b(?:pip3?|python3?\s+-m\s+pip)\s+install\b)")
_APT_ANY = re.compile(r"\bapt(?:-get)?\b(?:\s+-\S+)*\s+(?:install|update)\b")
_LISTS = re.compile(r"rm\s+-[a-zA-Z]*\s+/var/lib/apt/lists")
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
    text = _APT_INSTALL.sub(
        lambda m: (
            m.group(1) if "--no-install-recommends" in text else f"{m.group(1)} --no-install-recommends"
        ),
        text,
    )
    text = _PIP_INSTALL.sub(
        lambda m: m.group(1) if "--no-cache-dir" in text else f"{m.group(1)} --no-cache-dir", text
    )
    if prepend_update and "update" not in text.split("&&")[0]:
        text = f"apt-get update && {text}"
    if has_apt(text) and not _LISTS.search(text):
        text = f"{text} && {CLEAN_APT_LISTS}"
    return text


def render_run(arguments: str) -> str:
    """RUN with one command per line for && chains."""
    if arguments.lstrip().startswith("["):
        return f"RUN {arguments}"
    return "RUN " + " \\\n    && ".join(part.strip() for part in arguments.split("&&"))
