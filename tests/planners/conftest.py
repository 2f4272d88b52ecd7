"""Fixtures for planner tests: the local fake Messages API and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from perfpilot.config import ModelSettings
from tests.fakes.messages_api import FakeMessagesAPI


@pytest.fixture
def fake_api() -> Iterator[FakeMessagesAPI]:
    api = FakeMessagesAPI().start()
    try:
        yield api
    finally:
        api.close()


@pytest.fixture
def settings(fake_api: FakeMessagesAPI) -> ModelSettings:
    return ModelSettings.resolve(api_key="sk-ant-test-key-0000000000", base_url=fake_api.base_url, env={})
