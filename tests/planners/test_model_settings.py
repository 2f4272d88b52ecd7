"""ModelSettings.resolve: explicit argument > environment > default; bad values name their source."""

from __future__ import annotations

from typing import get_args

import pytest
from anthropic._data import DEPRECATED_MODELS
from anthropic.types import Model

from perfpilot.config import DEFAULT_MODEL, ModelSettings, SettingsError

ENV = {
    "ANTHROPIC_API_KEY": "sk-ant-from-env-000000",
    "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
    "PERFPILOT_MODEL": "claude-opus-5",
    "PERFPILOT_MODEL_TIMEOUT_S": "12.5",
    "PERFPILOT_MODEL_MAX_ATTEMPTS": "2",
}


def test_defaults_without_environment() -> None:
    settings = ModelSettings.resolve(env={})
    assert (settings.model, settings.api_key, settings.base_url) == (DEFAULT_MODEL, None, None)
    assert settings.max_attempts == 3 and settings.timeout_s == 60


def test_environment_fills_what_arguments_leave_out() -> None:
    settings = ModelSettings.resolve(env=ENV)
    assert settings.key() == "sk-ant-from-env-000000"
    assert (settings.model, settings.base_url, settings.timeout_s, settings.max_attempts) == (
        "claude-opus-5",
        "http://127.0.0.1:9",
        12.5,
        2,
    )


def test_explicit_arguments_win_over_environment() -> None:
    settings = ModelSettings.resolve(
        model="claude-haiku-5-5", api_key="sk-ant-explicit", timeout_s=5, env=ENV
    )
    assert settings.model == "claude-haiku-5-5"
    assert settings.key() == "sk-ant-explicit"
    assert settings.timeout_s == 5
    assert settings.max_attempts == 2  # not given explicitly: from the environment


def test_key_never_in_repr_or_dump() -> None:
    settings = ModelSettings.resolve(env=ENV)
    assert "sk-ant-from-env" not in repr(settings)
    assert "sk-ant-from-env" not in settings.model_dump_json()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PERFPILOT_MODEL_TIMEOUT_S": "soon"}, "environment variable PERFPILOT_MODEL_TIMEOUT_S"),
        ({"PERFPILOT_MODEL_MAX_ATTEMPTS": "7"}, "environment variable PERFPILOT_MODEL_MAX_ATTEMPTS"),
    ],
)
def test_bad_environment_value_names_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        ModelSettings.resolve(env=env)


def test_bad_argument_names_the_argument() -> None:
    with pytest.raises(SettingsError, match="argument max_attempts"):
        ModelSettings.resolve(max_attempts=0, env={})


def test_default_model_is_current_and_not_deprecated_in_installed_sdk() -> None:
    known = set(get_args(get_args(Model)[0]))
    assert DEFAULT_MODEL in known
    assert DEFAULT_MODEL not in DEPRECATED_MODELS
    assert "sonnet" in DEFAULT_MODEL


def test_token_margin_defaults_to_the_calibrated_value_and_is_configurable() -> None:
    assert ModelSettings.resolve(env={}).token_margin == 1.5
    assert ModelSettings.resolve(env={"PERFPILOT_TOKEN_MARGIN": "1.2"}).token_margin == 1.2
    assert ModelSettings.resolve(token_margin=2.0, env={"PERFPILOT_TOKEN_MARGIN": "1.2"}).token_margin == 2.0
    with pytest.raises(SettingsError, match="environment variable PERFPILOT_TOKEN_MARGIN"):
        ModelSettings.resolve(env={"PERFPILOT_TOKEN_MARGIN": "0.8"})
