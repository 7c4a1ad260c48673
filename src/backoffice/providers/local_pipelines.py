"""Loading and running diffusers pipelines in the worker (torch is imported here only).

A pipeline is loaded once per worker process and reused, keyed by everything that
changes its weights (model, family, device, dtype, LoRA, ControlNet); at most
MAX_LOADED stay in memory. A pipeline is not thread-safe (its scheduler keeps state),
so pages using the same one take turns; a cancel is honoured while waiting and between
sampler steps.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageOps, ImageStat

from backoffice.providers.base import (
    CancelCheck,
    GenerationCancelled,
    ImageRequest,
    ProgressCallback,
    ProviderError,
)

if TYPE_CHECKING:
    from backoffice.providers.diffusers import DiffusersProvider

logger = logging.getLogger(__name__)
NAME = "diffusers"
MAX_LOADED = 2
# How often a page waiting for a busy pipeline looks at the cancel flag.
WAIT_SECONDS = 0.2


@dataclass
class LoadedPipeline:
    pipe: Any
    device: str
    dtype: str
    seconds: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    reference: Image.Image | None = None


_loaded: OrderedDict[tuple[Any, ...], LoadedPipeline] = OrderedDict()
_loading = threading.Lock()


def _error(message: str, retryable: bool = False) -> ProviderError:
    return ProviderError(f"{NAME}: {message}", retryable=retryable, provider=NAME)


def one_line(exc: BaseException) -> str:
    """The first line of an exception, short: the full text goes to the log."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}".rstrip(": ")


def pick_device(wanted: str) -> str:
    import torch

    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if wanted == "cuda" and not cuda:
        raise _error("options.device is cuda but torch sees no CUDA GPU "
                     f"(torch {torch.__version__}); use device: auto")
    if wanted == "mps" and not mps:
        raise _error("options.device is mps but Apple's MPS is not available; "
                     "use device: auto")
    if wanted != "auto":
        return wanted
    return "cuda" if cuda else "mps" if mps else "cpu"


def pick_dtype(wanted: str, device: str, family: str) -> Any:
    """fp16 where it halves memory and time (CUDA, MPS), bf16 for FLUX on GPUs that
    have it, fp32 on the CPU (fp16 is slow or unsupported there)."""
    import torch

    if wanted != "auto":
        return getattr(torch, wanted)
    if device == "cuda":
        if family == "flux-schnell" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float16
    if device == "mps":
        return torch.bfloat16 if family == "flux-schnell" else torch.float16
    return torch.float32


def _dtype_argument(diffusers: Any) -> str:
    """Newer diffusers name it `dtype` and deprecate `torch_dtype` (gone in 1.0)."""
    resolves = hasattr(diffusers.utils.deprecation_utils, "_resolve_dtype")
    return "dtype" if resolves else "torch_dtype"


def _load(provider: DiffusersProvider) -> LoadedPipeline:
    import diffusers
    import transformers

    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()
    options = provider.options
    started = time.monotonic()
    device = pick_device(options.device)
    dtype = pick_dtype(options.dtype, device, provider.family)
    common: dict[str, Any] = {_dtype_argument(diffusers): dtype,
                              "local_files_only": not options.allow_download}
    extra: dict[str, Any] = {}
    if options.controlnet and provider.controlnet_ref:
        controlnet_class = (diffusers.FluxControlNetModel if provider.family == "flux-schnell"
                            else diffusers.ControlNetModel)
        extra["controlnet"] = controlnet_class.from_pretrained(
            provider.controlnet_ref, **common)
    if options.variant:
        extra["variant"] = options.variant
    pipe = diffusers.AutoPipelineForText2Image.from_pretrained(provider.model_ref, **common,
                                                               **extra)
    if options.lora and provider.lora_ref:
        lora_kwargs = {"weight_name": options.lora.weight_name} if options.lora.weight_name \
            else {}
        pipe.load_lora_weights(provider.lora_ref, adapter_name="style", **lora_kwargs)
        # Fused once at its scale: no per-step adapter cost.
        pipe.fuse_lora(lora_scale=options.lora.scale, adapter_names=["style"])
        pipe.unload_lora_weights()
    if options.cpu_offload and device != "cpu":
        pipe.enable_model_cpu_offload(device=device)
    else:
        pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    reference = None
    if options.controlnet and provider.reference_path:
        reference = _reference(provider.reference_path, options.controlnet.kind)
    seconds = time.monotonic() - started
    logger.info("diffusers: loaded %s (%s) on %s as %s in %.1f s", provider.model_ref,
                type(pipe).__name__, device, str(dtype).removeprefix("torch."), seconds)
    return LoadedPipeline(pipe, device, str(dtype).removeprefix("torch."), seconds,
                          reference=reference)


def _reference(path: str, kind: str) -> Image.Image:
    """ControlNet lineart and scribble models see white lines on black: a black-on-white
    drawing is inverted."""
    image = ImageOps.grayscale(Image.open(path))
    if ImageStat.Stat(image).mean[0] > 127:
        image = ImageOps.invert(image)
    if kind == "scribble":
        image = image.point(lambda v: 255 if v > 127 else 0)
    return image.convert("RGB")


def pipeline_for(provider: DiffusersProvider) -> LoadedPipeline:
    key = provider.pipeline_key()
    with _loading:
        loaded = _loaded.get(key)
        if loaded is not None:
            _loaded.move_to_end(key)
            return loaded
        while len(_loaded) >= MAX_LOADED:
            _, old = _loaded.popitem(last=False)
            _release(old)
        try:
            loaded = _load(provider)
        except ProviderError:
            raise
        except Exception as exc:
            logger.exception("diffusers: loading %s failed", provider.model_ref)
            raise _error(f"could not load {provider.model}: {one_line(exc)}") from exc
        _loaded[key] = loaded
        return loaded


def _release(loaded: LoadedPipeline) -> None:
    import gc

    import torch

    del loaded.pipe
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def unload_all() -> None:
    """Free every loaded pipeline (tests, and a worker going down)."""
    with _loading:
        while _loaded:
            _release(_loaded.popitem()[1])


def _acquire(lock: threading.Lock, should_cancel: CancelCheck | None) -> None:
    while not lock.acquire(timeout=WAIT_SECONDS):
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()


def run(provider: DiffusersProvider, request: ImageRequest, chosen: dict[str, Any], *,
        on_progress: ProgressCallback | None,
        should_cancel: CancelCheck | None) -> tuple[bytes, dict[str, Any]]:
    """One image: PNG bytes and what was used (device, dtype, seconds)."""
    import torch

    loaded = pipeline_for(provider)
    steps = int(chosen["steps"])

    def step_end(pipe: Any, index: int, timestep: Any, tensors: dict[str, Any]
                 ) -> dict[str, Any]:
        # Raised inside the sampler loop: nothing more is computed for a cancelled job.
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        if on_progress is not None:
            on_progress(min(index + 1, steps), steps)
        return tensors

    kwargs: dict[str, Any] = {
        "prompt": request.prompt, "num_inference_steps": steps,
        "guidance_scale": float(chosen["guidance"]),
        "width": int(chosen["width"]), "height": int(chosen["height"]),
        # A CPU generator gives the same image for a seed on every device.
        "generator": torch.Generator("cpu").manual_seed(request.seed % 2**63),
        "callback_on_step_end": step_end,
    }
    if provider.defaults.negative_prompt and request.negative_prompt:
        kwargs["negative_prompt"] = request.negative_prompt
    if provider.family == "flux-schnell":
        kwargs["max_sequence_length"] = 256
    if loaded.reference is not None and provider.options.controlnet:
        reference = loaded.reference.resize((kwargs["width"], kwargs["height"]))
        kwargs["control_image" if provider.family == "flux-schnell" else "image"] = reference
        kwargs["controlnet_conditioning_scale"] = provider.options.controlnet.scale
    _acquire(loaded.lock, should_cancel)
    started = time.monotonic()
    try:
        with torch.inference_mode():
            image = loaded.pipe(**kwargs).images[0]
    except GenerationCancelled:
        raise
    except torch.cuda.OutOfMemoryError as exc:
        logger.exception("diffusers: out of GPU memory")
        raise _error("out of GPU memory: lower options.max_side or set "
                     "options.cpu_offload: true") from exc
    except Exception as exc:
        logger.exception("diffusers: generation failed")
        raise _error(f"generation failed: {one_line(exc)}") from exc
    finally:
        loaded.lock.release()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), {"device": loaded.device, "dtype": loaded.dtype,
                               "seconds": round(time.monotonic() - started, 3)}
