"""A chat session: run the workflow in conversation, answer its interrupts (an escalation, an apply to
approve), then explore the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from perfpilot.artifacts.report import RunReport
from perfpilot.chat.answers import HELP, answer
from perfpilot.chat.questions import Answerer, offline_answer
from perfpilot.run.request import RunInputError, RunRequest, parse_budgets, perform_run

Read = Callable[[str], str]
Write = Callable[[str], None]


class ChatSession:
    """One conversation about one target. Reads and writes through callables, so tests can script it."""

    def __init__(
        self, request: RunRequest, *, read: Read, write: Write, answerer: Answerer | None = None
    ) -> None:
        self.request = replace(request, ask=self._interrupted, confirm_apply=True)
        self.read = read
        self.write = write
        self.answerer: Answerer = answerer or offline_answer
        self.report: RunReport | None = None

    def _interrupted(self, question: dict[str, Any]) -> str:
        """A LangGraph interrupt asked in the conversation; no answer picks the safe option (the last)."""
        options = [str(o) for o in question.get("options", ["proceed", "stop"])]
        label = "changes" if question.get("kind") == "apply" else "reason"
        self.write(f"\n{question.get('question')}\n  {label}: {question.get('reason')}")
        while True:
            reply = self.read(f"{' or '.join(options)}? ").strip().lower() or options[-1]
            if reply in options:
                return reply
            self.write(f"Please answer {' or '.join(options)}.")

    def run(self) -> RunReport:
        self.write(f"Running the workflow on {self.request.target} ...")
        self.report = perform_run(self.request)
        self.write(answer(self.report, "status") or "")
        self.write("Type 'help' for what you can ask.")
        return self.report

    def loop(self) -> None:
        """Answer commands and questions until 'quit' or end of input."""
        while True:
            try:
                line = self.read("perfpilot> ").strip()
            except EOFError:
                return
            if line in ("quit", "exit"):
                return
            if line:
                self.write(self.respond(line))

    def respond(self, line: str) -> str:
        assert self.report is not None
        if line.startswith("rerun"):
            return self._rerun(line.split()[1:])
        direct = answer(self.report, line)
        if direct is not None:
            return direct
        try:
            return self.answerer(self.report, line)
        except Exception as exc:  # a failed model call never ends the session
            return f"Could not answer ({exc}). {HELP.splitlines()[0]} see 'help'."

    def _rerun(self, budgets: list[str]) -> str:
        try:
            budgets_now = {**self.request.budgets, **parse_budgets(budgets)}  # a new run: a new thread
            self.request = replace(
                self.request, budgets=budgets_now, thread_id=None, resume=False, answer=None
            )
            self.run()
        except (RunInputError, ValueError) as exc:
            return f"Could not run: {exc}"
        return "Done."
