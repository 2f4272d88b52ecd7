"""Model settings for the Claude planner: explicit argument > environment > default, resolved once."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_ATTEMPTS = 3
MAX_ATTEMPTS_CAP = 3
# Input tokens of a request are estimated as cl100k tokens x this margin until the API counts them; the
# calibration and what it rests on are in docs/token-budgets.md.
DEFAULT_TOKEN_MARGIN = 1.5

ENV_API_KEY = "ANTHROPIC_API_KEY"
ENV_BASE_URL = "ANTHROPIC_BASE_URL"
ENV_MODEL = "PERFPILOT_MODEL"
ENV_TIMEOUT_S = "PERFPILOT_MODEL_TIMEOUT_S"
ENV_MAX_ATTEMPTS = "PERFPILOT_MODEL_MAX_ATTEMPTS"
ENV_TOKEN_MARGIN = "PERFPILOT_TOKEN_MARGIN"


class SettingsError(ValueError):
    """A setting (argument or environment variable) has a value that cannot be used; the message names it."""


class ModelSettings(BaseModel):
    """Which model to call, where, with what key, and how patiently. The key never shows in a repr."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(default=DEFAULT_MODEL, min_length=1)
    api_key: SecretStr | None = None
    base_url: str | None = None
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0, le=600)
    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1, le=MAX_ATTEMPTS_CAP)
    token_margin: float = Field(default=DEFAULT_TOKEN_MARGIN, ge=1.0, le=4.0)

    @classmethod
    def resolve(
        cls,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout_s: float | None = None,
        max_attempts: int | None = None,
        token_margin: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ModelSettings:
        """Settings from explicit arguments, then the environment (`env` or os.environ), then defaults."""
        source = os.environ if env is None else env
        given = {
            "model": model,
            "api_key": api_key,
            "base_url": base_url,
            "timeout_s": timeout_s,
            "max_attempts": max_attempts,
            "token_margin": token_margin,
        }
        chosen: dict[str, object] = {}
        origin: dict[str, str] = {}
        for name, value in given.items():
            if value is not None:
                chosen[name], origin[name] = value, f"argument {name}"
                continue
            from_env = source.get(_ENV_OF[name], "").strip()
            if from_env:
                chosen[name], origin[name] = from_env, f"environment variable {_ENV_OF[name]}"
        try:
            return cls.model_validate(chosen)
        except ValidationError as exc:
            problems = "; ".join(
                f"{origin.get(str(err['loc'][0]), str(err['loc'][0]))}: {err['msg']}" for err in exc.errors()
            )
            raise SettingsError(f"invalid model settings: {problems}") from None

    def key(self) -> str | None:
        """The API key in clear, for the one place that needs it (building the SDK client)."""
        return self.api_key.get_secret_value() if self.api_key is not None else None


_ENV_OF = {
    "model": ENV_MODEL,
    "api_key": ENV_API_KEY,
    "base_url": ENV_BASE_URL,
    "timeout_s": ENV_TIMEOUT_S,
    "max_attempts": ENV_MAX_ATTEMPTS,
    "token_margin": ENV_TOKEN_MARGIN,
}
