from pathlib import Path

import pytest

from backoffice.config import DEFAULT_CONFIG_DIR, Settings
from backoffice.providers.config import (
    ProviderConfigError,
    build_providers,
    check_secrets,
    load_models_config,
)


def settings_for(config_dir: Path, **secrets) -> Settings:
    values = {"openrouter_api_key": None, "gemini_api_key": None, "comfyui_url": None}
    values.update(secrets)
    return Settings(_env_file=None, config_dir=config_dir, **values)


def write_models(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "generation" / "models.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_procedural_for_every_kind():
    config = load_models_config(settings_for(DEFAULT_CONFIG_DIR))
    assert {config.cover.provider, config.coloring_page.provider,
            config.back_cover.provider} == {"procedural"}
    check_secrets(config, settings_for(DEFAULT_CONFIG_DIR))  # needs no secret


def test_missing_file_means_procedural_defaults(tmp_path):
    config = load_models_config(settings_for(tmp_path))
    assert config.coloring_page.provider == "procedural"


def test_missing_secret_is_one_clear_line(tmp_path):
    write_models(tmp_path, "cover:\n  provider: openrouter\n"
                           "  model: google/gemini-2.5-flash-image\n")
    settings = settings_for(tmp_path)
    with pytest.raises(ProviderConfigError) as caught:
        build_providers(settings)
    message = str(caught.value)
    assert "\n" not in message
    assert "OPENROUTER_API_KEY" in message and "cover.provider" in message
    assert "models.yml" in message


@pytest.mark.parametrize(("kind", "variable"), [("gemini", "GEMINI_API_KEY"),
                                                ("comfyui", "COMFYUI_URL")])
def test_each_remote_provider_names_its_variable(tmp_path, kind, variable):
    write_models(tmp_path, f"coloring_page:\n  provider: {kind}\n")
    with pytest.raises(ProviderConfigError, match=variable):
        check_secrets(load_models_config(settings_for(tmp_path)), settings_for(tmp_path))


@pytest.mark.parametrize(("yaml_text", "field", "reason"), [
    ("coloring_page:\n  provider: dalle\n", "coloring_page.provider", "unknown provider 'dalle'"),
    ("poster:\n  provider: procedural\n", "poster", "Extra inputs"),
    ("cover:\n  provider: procedural\n  colour: red\n", "cover.colour", "Extra inputs"),
    ("cover:\n  model: x\n", "cover.provider", "Field required"),
    ("cover:\n  provider: procedural\n  options: [1, 2]\n", "cover.options",
     "valid dictionary"),
])
def test_invalid_file_names_file_field_and_reason(tmp_path, yaml_text, field, reason):
    path = write_models(tmp_path, yaml_text)
    with pytest.raises(ProviderConfigError) as caught:
        load_models_config(settings_for(tmp_path))
    message = str(caught.value)
    assert message.startswith(f"{path}: field {field}: ")
    assert reason in message
    assert "\n" not in message


def test_broken_yaml_is_refused_with_the_file(tmp_path):
    path = write_models(tmp_path, "cover: [provider: openrouter\n")
    with pytest.raises(ProviderConfigError, match="not valid YAML") as caught:
        load_models_config(settings_for(tmp_path))
    assert str(caught.value).startswith(str(path))


def test_bad_adapter_option_names_the_option(tmp_path):
    path = write_models(tmp_path, "cover:\n  provider: openrouter\n"
                                  "  options: {read_timeout: -1}\n")
    with pytest.raises(ProviderConfigError) as caught:
        build_providers(settings_for(tmp_path, openrouter_api_key="sk-or-test"))
    assert str(caught.value).startswith(f"{path}: field cover.options.read_timeout: ")


def test_builds_remote_providers_per_kind_without_leaking_the_key(tmp_path):
    write_models(tmp_path, (
        "cover:\n  provider: openrouter\n  model: google/gemini-2.5-flash-image\n"
        "coloring_page:\n  provider: gemini\n  model: gemini-2.5-flash-image\n"
        "back_cover:\n  provider: openrouter\n"
    ))
    settings = settings_for(tmp_path, openrouter_api_key="sk-or-secret-1234",
                            gemini_api_key="gm-secret-5678")
    built = build_providers(settings)
    assert built["cover"].name == "openrouter"
    assert built["cover"].model == "google/gemini-2.5-flash-image"
    assert built["coloring_page"].name == "gemini"
    assert built["back_cover"].name == "openrouter"
    for provider in built.values():
        assert "secret" not in repr(provider)
