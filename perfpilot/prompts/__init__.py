"""Step prompts live here as .md files; `render` fills them strictly (a missing variable raises)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent


class PromptError(Exception):
    """A prompt file is missing or a variable it uses was not given."""


@cache
def _template(name: str) -> Template:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt named {name!r} in {PROMPTS_DIR}")
    return Template(path.read_text(encoding="utf-8"))


def render(name: str, **variables: object) -> str:
    """Render prompts/<name>.md with $variables; every variable the file uses must be given."""
    try:
        return _template(name).substitute({k: str(v) for k, v in variables.items()})
    except KeyError as exc:
        raise PromptError(f"prompt {name!r} needs variable {exc.args[0]!r}") from None
    except ValueError as exc:
        raise PromptError(f"prompt {name!r} is malformed: {exc}") from None
