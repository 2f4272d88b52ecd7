"""Checkpoint serialisation that revives exactly the artifact models the workflow state holds."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport, ValidationReport
from perfpilot.artifacts.report import StepRecord

STATE_MODELS = (BottleneckInventory, RootCauseReport, ImplementationPlan, ValidationReport, StepRecord)


def serializer() -> JsonPlusSerializer:
    """A serializer allowed to revive the state's models and nothing else of ours."""
    return JsonPlusSerializer(allowed_msgpack_modules=[(m.__module__, m.__name__) for m in STATE_MODELS])


def memory_checkpointer() -> InMemorySaver:
    """An in-process checkpointer (one run, one process) with the state's serializer."""
    return InMemorySaver(serde=serializer())
