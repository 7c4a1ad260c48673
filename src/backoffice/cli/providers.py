"""`backoffice providers check`: is the image set-up right, before the first book?"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backoffice.cli.support import fail, settings_or_exit
from backoffice.config import Settings

if TYPE_CHECKING:
    from backoffice.providers.diffusers import DiffusersProvider

providers_app = typer.Typer(help="Image providers (config/generation/models.yml).",
                            no_args_is_help=True)


def _local_ai_line(provider: DiffusersProvider) -> str:
    """Where a diffusers model runs: imports torch, so only for the check."""
    import torch

    from backoffice.providers import local_pipelines

    options = provider.options
    device = local_pipelines.pick_device(options.device)
    dtype = str(local_pipelines.pick_dtype(options.dtype, device, provider.family))
    dtype = dtype.removeprefix("torch.")
    memory = ""
    if device == "cuda":
        free, total = torch.cuda.mem_get_info()
        memory = (f", {torch.cuda.get_device_name()} with {free / 2**30:.1f} of "
                  f"{total / 2**30:.1f} GiB free")
    return (f"    {provider.family} from {provider.model_ref}; torch {torch.__version__} "
            f"on {device} as {dtype}{memory}")


@providers_app.command("check")
def check(
    draw: Annotated[Path | None, typer.Option(
        help="Also draw one coloring page into this folder (provider, clean-up, gate)")] = None,
    theme: Annotated[str, typer.Option(help="Theme of the test page")] = "dinosaurs",
    audience: Annotated[str, typer.Option(help="toddlers, children or adults")] = "children",
) -> None:
    """Check models.yml as start-up does (extra installed, model folders, keys), say where
    local models will run, and with --draw time one real page through the gate."""
    from backoffice.main import check_configuration
    from backoffice.providers import IMAGE_KINDS, ProviderError
    from backoffice.providers.config import build_providers, load_models_config

    settings = settings_or_exit()
    try:
        check_configuration(settings)
        config = load_models_config(settings)
        built = build_providers(settings, config)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"{config.source}: OK")
    for kind in IMAGE_KINDS:
        provider = built[kind]
        typer.echo(f"  {kind}: {provider.name} {provider.model}".rstrip())
        if provider.name == "diffusers":
            try:
                typer.echo(_local_ai_line(provider))  # type: ignore[arg-type]
            except ProviderError as exc:
                fail(str(exc))
    if draw is not None:
        _draw_one(settings, draw, theme, audience)


def _draw_one(settings: Settings, folder: Path, theme: str, audience: str) -> None:
    from backoffice.art.themes import themes_in
    from backoffice.providers import GenerationCancelled, ProviderError
    from backoffice.providers.drawing import PageSpec, make_page_image, page_seed

    if theme not in themes_in(str(settings.themes_dir)):
        fail(f"--theme: unknown theme {theme!r}")
    if audience not in ("toddlers", "children", "adults"):
        fail("--audience: must be toddlers, children or adults")
    spec = PageSpec(kind="content", position=1, theme_id=theme, audience=audience,
                    trim="8.5x11", designs=24, interior_pages=50, book_seed=1,
                    seed=page_seed(1, "content", 1), title="Check", subtitle="",
                    author="backoffice")

    def progress(done: int, total: int, attempt: int) -> None:
        typer.echo(f"\r  attempt {attempt}: step {done}/{total}", nl=False, err=True)

    started = time.monotonic()
    try:
        image = make_page_image(settings, spec, on_progress=progress)
    except (ProviderError, GenerationCancelled) as exc:
        typer.echo("", err=True)
        fail(f"drawing failed: {exc}", code=1)
    seconds = time.monotonic() - started
    typer.echo("", err=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"check-{theme}-{audience}.png"
    path.write_bytes(image.png)
    quality = image.quality
    verdict = "passed" if quality.get("passed") else (
        "FAILED: " + ", ".join(f["code"] for f in quality.get("failures", [])))
    typer.echo(f"drew {path} with {image.provider} {image.model} in {seconds:.1f} s "
               f"(attempt {quality.get('attempt')} of {quality.get('attempts')}); "
               f"line-art gate {verdict}")
