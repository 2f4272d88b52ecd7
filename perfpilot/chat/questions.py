"""Free-form questions about a run: the Answerer protocol and the offline answer (pointing to commands);
perfpilot.chat.model_answers answers with Claude when a key is configured."""

from __future__ import annotations

from typing import Protocol

from perfpilot.artifacts.report import RunReport


class Answerer(Protocol):
    """Answers a free-form question about a report."""

    def __call__(self, report: RunReport, question: str) -> str: ...


def offline_answer(report: RunReport, question: str) -> str:
    """Without a model: point to the commands that hold the answer."""
    words = question.lower()
    hints = [
        (("why", "decid", "path", "tier"), "status"),
        (("index", "query", "slow", "root", "cause", "n+1"), "findings"),
        (("plan", "change", "fix", "deploy"), "plan"),
        (("undo", "revert", "rollback"), "rollback"),
        (("before", "after", "improve", "target", "slo"), "validation"),
        (("token", "budget", "cost of"), "budget"),
    ]
    matches = [command for keys, command in hints if any(k in words for k in keys)]
    suggestion = ", ".join(dict.fromkeys(matches)) or "help"
    return f"No model is configured (set ANTHROPIC_API_KEY for free-form answers). Try: {suggestion}."

