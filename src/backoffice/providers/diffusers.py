"""Local AI in the worker: text-to-image with Hugging Face diffusers, no server.

    coloring_page:
      provider: diffusers
      model: sdxl-turbo          # a folder under BACKOFFICE_MODELS_DIR (default var/models),
                                 # an absolute folder, or a Hugging Face repo id already in
                                 # the HF cache (stabilityai/sdxl-turbo)
      options: {steps: 4, lora: {path: loras/coloring-book.safetensors, scale: 0.8}}

Everything checked here runs at start-up and never imports torch (seconds): the extra is
installed, the model folder (or cached repo), the LoRA file and the ControlNet reference
exist. The heavy part, loading and running a pipeline, is in local_pipelines.py and
happens in the worker on the first page.

Weights are never downloaded at run time unless `allow_download: true`: otherwise every
load is `local_files_only` and HF_HUB_OFFLINE is set for the process.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backoffice.art import prompts
from backoffice.config import Settings
from backoffice.providers.base import (
    CancelCheck,
    GeneratedImage,
    GenerationCancelled,
    ImageRequest,
    ProgressCallback,
    ProviderError,
    sampler_size,
)

NAME = "diffusers"
INSTALL_HINT = "run `make local-ai` (or pip install -e '.[local-ai]')"
Family = Literal["auto", "sd15", "sdxl", "sdxl-turbo", "flux-schnell"]
REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class FamilyDefaults(BaseModel):
    steps: int
    guidance: float
    max_side: int
    # Distilled models (turbo, schnell) run without classifier-free guidance, so they
    # have no use for a negative prompt.
    negative_prompt: bool


FAMILIES: dict[str, FamilyDefaults] = {
    "sd15": FamilyDefaults(steps=25, guidance=7.5, max_side=768, negative_prompt=True),
    "sdxl": FamilyDefaults(steps=30, guidance=7.5, max_side=1024, negative_prompt=True),
    "sdxl-turbo": FamilyDefaults(steps=4, guidance=0.0, max_side=512, negative_prompt=False),
    "flux-schnell": FamilyDefaults(steps=4, guidance=0.0, max_side=1024, negative_prompt=False),
}


class LoraOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # A .safetensors file or a folder (under the models folder unless absolute), or a
    # repo id in the HF cache.
    path: str = Field(min_length=1)
    scale: float = Field(default=1.0, ge=0.0, le=4.0)
    weight_name: str | None = None


class ControlNetOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(min_length=1)
    kind: Literal["lineart", "scribble"] = "lineart"
    # The reference drawing the pages follow (black lines on white, or the reverse).
    image: str = Field(min_length=1)
    scale: float = Field(default=0.8, ge=0.0, le=2.0)


class DiffusersOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    family: Family = "auto"
    steps: int | None = Field(default=None, ge=1, le=150)
    guidance: float | None = Field(default=None, ge=0.0, le=30.0)
    # Longest side of the generated image; the clean-up scales line art to the page.
    max_side: int | None = Field(default=None, ge=64, le=2048)
    device: Literal["auto", "cuda", "mps", "cpu"] = "auto"
    dtype: Literal["auto", "float16", "bfloat16", "float32"] = "auto"
    # Weights file variant in the folder (e.g. "fp16" for sdxl-turbo's smaller files).
    variant: str | None = None
    # Keep only the running sub-model on the GPU: FLUX in ~12 GB instead of ~33 GB.
    cpu_offload: bool = False
    lora: LoraOptions | None = None
    controlnet: ControlNetOptions | None = None
    allow_download: bool = False


def _config_error(message: str) -> Exception:
    from backoffice.providers.config import ProviderConfigError

    return ProviderConfigError(message)


def missing_libraries() -> list[str]:
    """The local-AI libraries that are not installed (without importing them)."""
    return [name for name in ("torch", "diffusers", "transformers", "safetensors")
            if importlib.util.find_spec(name) is None]


def _in_hf_cache(repo_id: str, filename: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, filename)
    return isinstance(found, str)


def hf_cache_dir() -> str:
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def resolve(ref: str, models_dir: Path, *, what: str, marker: str | None,
            allow_download: bool) -> str:
    """A folder or file path, or a repo id (cached, or downloadable when allowed);
    ProviderConfigError naming where we looked and the fix otherwise."""
    path = Path(ref).expanduser()
    if not path.is_absolute():
        path = models_dir / path
    if path.exists():
        if marker and path.is_dir() and not (path / marker).is_file():
            raise _config_error(f"{what} {path} is not a diffusers folder (no {marker}); "
                                "single-file checkpoints are not supported, use the "
                                "repository's folder layout (docs/providers.md)")
        return str(path)
    if REPO_ID.match(ref):
        if allow_download or _in_hf_cache(ref, marker or "config.json"):
            return ref
        raise _config_error(
            f"{what} {ref!r} is neither a folder ({path}) nor in the Hugging Face cache "
            f"({hf_cache_dir()}): download it once with `hf download {ref}` or put the "
            "folder there (docs/providers.md), or set options.allow_download: true")
    raise _config_error(f"{what} {path} does not exist: put the files there "
                        "(docs/providers.md) or give an absolute path")


def detect_family(model_ref: str, model_index: dict[str, Any] | None) -> str:
    """The pipeline family from model_index.json's class, or from the name."""
    pipeline = str((model_index or {}).get("_class_name", ""))
    name = model_ref.lower()
    if "Flux" in pipeline or "flux" in name:
        return "flux-schnell"
    if "XL" in pipeline or "xl" in name:
        return "sdxl-turbo" if "turbo" in name else "sdxl"
    if "StableDiffusion" in pipeline or not pipeline:
        return "sd15"
    raise _config_error(f"model {model_ref}: pipeline {pipeline} is not supported; "
                        f"known families: {', '.join(FAMILIES)}")


def _model_index(model_ref: str) -> dict[str, Any] | None:
    import json

    path = Path(model_ref)
    if not path.is_dir():
        try:
            from huggingface_hub import try_to_load_from_cache

            cached = try_to_load_from_cache(model_ref, "model_index.json")
        except Exception:  # a repo id not cached yet (allow_download): guess from its name
            return None
        if not isinstance(cached, str):
            return None
        path = Path(cached).parent
    try:
        index: dict[str, Any] = json.loads((path / "model_index.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise _config_error(f"model {model_ref}: model_index.json is unreadable: {exc}") \
            from None
    return index


class DiffusersProvider:
    name = NAME

    def __init__(self, *, model: str = "", options: dict[str, Any] | None = None,
                 settings: Settings, **_: object) -> None:
        self.options = DiffusersOptions.model_validate(options or {})
        if not model.strip():
            raise _config_error("the diffusers provider needs a model: a folder under "
                                f"{settings.models_dir} or a Hugging Face repo id")
        missing = missing_libraries()
        if missing:
            raise _config_error(f"the diffusers provider needs the local-AI libraries "
                                f"({', '.join(missing)} missing): {INSTALL_HINT}")
        if self.options.allow_download:
            os.environ["HF_HUB_OFFLINE"] = "0"
        else:
            # Before huggingface_hub is first imported: it reads this once.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        chosen, allow = self.options, self.options.allow_download
        self.model = model
        self.model_ref = resolve(model, settings.models_dir, what="model",
                                 marker="model_index.json", allow_download=allow)
        self.family = (chosen.family if chosen.family != "auto"
                       else detect_family(model, _model_index(self.model_ref)))
        self.lora_ref = (resolve(chosen.lora.path, settings.models_dir, what="LoRA",
                                 marker=None, allow_download=allow) if chosen.lora else None)
        self.controlnet_ref: str | None = None
        self.reference_path: str | None = None
        if chosen.controlnet:
            self.controlnet_ref = resolve(chosen.controlnet.model, settings.models_dir,
                                          what="ControlNet", marker="config.json",
                                          allow_download=allow)
            reference = Path(chosen.controlnet.image).expanduser()
            if not reference.is_absolute():
                reference = settings.config_dir / reference
            if not reference.is_file():
                raise _config_error(f"ControlNet reference image {reference} does not exist")
            self.reference_path = str(reference)

    # -- what a page asks for -------------------------------------------------------

    @property
    def defaults(self) -> FamilyDefaults:
        return FAMILIES[self.family]

    def settings_for(self, request: ImageRequest) -> dict[str, Any]:
        """Steps, guidance and size for one request (the options over the family's)."""
        defaults, options = self.defaults, self.options
        width, height = sampler_size(request.width_px, request.height_px,
                                     options.max_side or defaults.max_side,
                                     multiple=64 if (options.max_side or 1024) >= 256 else 8)
        return {"steps": options.steps or defaults.steps,
                "guidance": defaults.guidance if options.guidance is None else options.guidance,
                "width": width, "height": height}

    def pipeline_key(self) -> tuple[Any, ...]:
        options = self.options
        lora = (self.lora_ref, options.lora.weight_name, options.lora.scale) \
            if options.lora and self.lora_ref else None
        controlnet = (self.controlnet_ref, options.controlnet.kind) \
            if options.controlnet and self.controlnet_ref else None
        return (self.model_ref, self.family, options.device, options.dtype, options.variant,
                options.cpu_offload, not options.allow_download, lora, controlnet)

    def generate(self, request: ImageRequest, *, on_progress: ProgressCallback | None = None,
                 should_cancel: CancelCheck | None = None) -> GeneratedImage:
        from backoffice.providers import local_pipelines

        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        if not request.prompt.strip():
            raise ProviderError(f"{NAME}: empty prompt", retryable=False, provider=NAME)
        if self.family != "flux-schnell":
            # CLIP reads 77 tokens: the subject must come before the line-art boilerplate.
            request = replace(request, prompt=prompts.for_clip(request.prompt))
        chosen = self.settings_for(request)
        png, meta = local_pipelines.run(self, request, chosen, on_progress=on_progress,
                                        should_cancel=should_cancel)
        return GeneratedImage(data=png, provider=NAME, model=self.model, prompt=request.prompt,
                              seed=request.seed, meta={**chosen, **meta,
                                                       "pipeline": self.family})
