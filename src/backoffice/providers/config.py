"""Which image provider serves each image kind: config/generation/models.yml.

Checked at start-up: an unknown provider, a bad option or a missing secret stops the
app with one line naming the file, the field and the reason, instead of failing on
the first book as the previous system did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from backoffice import providers
from backoffice.config import Settings
from backoffice.providers import IMAGE_KINDS, ImageKind, ImageProvider

# provider -> (Settings attribute, environment variable) it cannot work without.
SECRETS: dict[str, tuple[str, str]] = {
    "openrouter": ("openrouter_api_key", "OPENROUTER_API_KEY"),
    "gemini": ("gemini_api_key", "GEMINI_API_KEY"),
    "comfyui": ("comfyui_url", "COMFYUI_URL"),
}


class ProviderConfigError(ValueError):
    """One line: the file, the field and the reason (or the missing variable)."""


class KindConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str
    model: str = ""
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        if value not in providers.PROVIDERS:
            raise ValueError(
                f"unknown provider {value!r}; known: {', '.join(sorted(providers.PROVIDERS))}"
            )
        return value


def _procedural() -> KindConfig:
    return KindConfig(provider="procedural")


class ModelsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Offline by default: a fresh checkout makes books with no key and no GPU.
    cover: KindConfig = Field(default_factory=_procedural)
    coloring_page: KindConfig = Field(default_factory=_procedural)
    back_cover: KindConfig = Field(default_factory=_procedural)
    # Where the config came from, for error messages; not part of the YAML.
    source: str = Field(default="(defaults)", exclude=True)

    def for_kind(self, kind: ImageKind) -> KindConfig:
        config: KindConfig = getattr(self, kind)
        return config


def _field_of(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(file)"
    return field, first["msg"].removeprefix("Value error, ")


def load_models_config(settings: Settings) -> ModelsConfig:
    path: Path = settings.models_file
    if not path.exists():
        return ModelsConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ProviderConfigError(f"{path}: not valid YAML: {reason}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ProviderConfigError(f"{path}: expected a mapping of image kinds at the top level")
    if "source" in raw:
        raise ProviderConfigError(
            f"{path}: field source: unknown image kind; known: {', '.join(IMAGE_KINDS)}"
        )
    try:
        config = ModelsConfig.model_validate(raw)
    except ValidationError as exc:
        field, reason = _field_of(exc)
        raise ProviderConfigError(f"{path}: field {field}: {reason}") from None
    config.source = str(path)
    return config


def page_generator(settings: Settings) -> KindConfig:
    """What draws the coloring pages (the UI says so; an offline prompt is checked)."""
    return load_models_config(settings).for_kind("coloring_page")


def check_secrets(config: ModelsConfig, settings: Settings) -> None:
    for kind in IMAGE_KINDS:
        provider = config.for_kind(kind).provider
        if provider not in SECRETS:
            continue
        attribute, variable = SECRETS[provider]
        if not (getattr(settings, attribute, None) or "").strip():
            raise ProviderConfigError(
                f"{config.source}: field {kind}.provider: {provider} needs {variable}, "
                "which is not set in the environment"
            )


def build_providers(
    settings: Settings, config: ModelsConfig | None = None
) -> dict[ImageKind, ImageProvider]:
    """One provider per image kind; adapters validate their own options here."""
    config = config or load_models_config(settings)
    check_secrets(config, settings)
    built: dict[ImageKind, ImageProvider] = {}
    for kind in IMAGE_KINDS:
        entry = config.for_kind(kind)
        try:
            built[kind] = providers.create_provider(
                entry.provider, model=entry.model, options=dict(entry.options), settings=settings
            )
        except ValidationError as exc:
            field, reason = _field_of(exc)
            raise ProviderConfigError(
                f"{config.source}: field {kind}.options.{field}: {reason}"
            ) from None
        except ProviderConfigError as exc:
            raise ProviderConfigError(f"{config.source}: field {kind}: {exc}") from None
    return built
