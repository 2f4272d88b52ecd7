"""No machine path in a report: report files relative to its folder, target files to the target's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from perfpilot.artifacts.report import RunReport


def _prefixes(folder: Path) -> list[str]:
    """The spellings a folder's path may take in text (as given, absolute, symlinks resolved)."""
    forms = {str(folder.absolute()), str(folder.resolve()), os.path.normpath(folder.absolute())}
    return [f.rstrip("/") + "/" for f in forms if f not in ("", "/")]


def _rewrite(value: Any, replacements: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for prefix, replacement in replacements:
            value = value.replace(prefix, replacement)
        return value
    if isinstance(value, list):
        return [_rewrite(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite(v, replacements) for k, v in value.items()}
    return value


def portable(report: RunReport, out_dir: Path, target_dir: Path | None = None) -> RunReport:
    """The report with paths under out_dir made relative to it, and paths under target_dir relative to
    the target's folder (as evidence sources already are), so a copied report has no dead machine path."""
    replacements = [(p, "") for p in _prefixes(out_dir)]
    if target_dir is not None:
        replacements += [(p, "") for p in _prefixes(target_dir)]
    # the longest prefix first: a report folder inside the target's folder keeps its own relative paths
    replacements.sort(key=lambda pair: len(pair[0]), reverse=True)
    data = _rewrite(report.model_dump(mode="json"), replacements)
    return RunReport.model_validate(data)
