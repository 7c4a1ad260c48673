"""ComfyUI: queue an API-format workflow, follow it on /ws, fetch the image.

Workflows live in config/generation/comfy/*.json ("Save (API Format)" in the UI). We
fill in NAMED nodes, found by their `_meta.title` (set the title in the UI):

  backoffice:prompt        inputs.text            the positive prompt (required)
  backoffice:negative      inputs.text            the negative prompt
  backoffice:seed          inputs.seed | inputs.noise_seed
  backoffice:size          inputs.width, inputs.height (e.g. EmptyLatentImage)
  backoffice:checkpoint    inputs.ckpt_name       when options.checkpoint is set
  backoffice:source_image  inputs.image           a LoadImage fed the cover (back cover)
  backoffice:output        which output node's image to take (else the first image)

Titles rather than node ids, because ids change whenever a workflow is re-exported.

What we leave on the server: our uploads go to input/backoffice/, SaveImage outputs to
output/backoffice/ (their filename_prefix is set so), and the prompt's /history entry
is deleted once its image is fetched. ComfyUI has no route to delete files: clean those
two folders from time to time, or use a PreviewImage node as the output (temp/, which
ComfyUI empties when it starts). docs/providers.md says more.
"""

from __future__ import annotations

import copy
import json
import random
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

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
from backoffice.providers.comfyui_messages import (
    RunInterrupted,
    RunState,
    handle,
    history_outcome,
    refusal,
)
from backoffice.providers.http_retry import (
    HttpOptions,
    as_png,
    backoff_delay,
    cancellable_sleep,
    check_status,
    with_retries,
)

NAME = "comfyui"
TITLE = "backoffice:"
# title suffix -> the inputs it needs (any one of a tuple will do)
SLOTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "prompt": (("text",),),
    "negative": (("text",),),
    "seed": (("seed", "noise_seed"),),
    "size": (("width",), ("height",)),
    "checkpoint": (("ckpt_name",),),
    "source_image": (("image",),),
    "output": (),
}


class ComfyOptions(HttpOptions):
    workflow: str = "txt2img.json"
    checkpoint: str | None = None
    # Longest side sent to the sampler; the clean-up or the cover fitting scales it up.
    max_side: int = Field(default=1024, ge=256, le=4096)
    # Whole-job limit: queue wait plus sampling.
    job_timeout: float = Field(default=900.0, gt=0)
    poll_seconds: float = Field(default=0.25, gt=0)
    read_timeout: float = Field(default=60.0, gt=0)
    # After execution_success the server writes /history, then says `executing` null;
    # how long we wait for that before giving up (seen: up to 0.4 s on a busy server).
    history_timeout: float = Field(default=30.0, gt=0)
    # Where our files go on the server (input/<it>/, output/<it>/), to clean them.
    server_folder: str = Field(default="backoffice", pattern=r"^[A-Za-z0-9_-]{1,40}$")


def _config_error(message: str) -> Exception:
    from backoffice.providers.config import ProviderConfigError

    return ProviderConfigError(message)


def load_workflow(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The workflow and {slot: node id}; refuses files /prompt would refuse."""
    if not path.is_file():
        raise _config_error(f"ComfyUI workflow {path} does not exist")
    try:
        workflow = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _config_error(f"ComfyUI workflow {path} is not valid JSON: {exc}") from None
    if not isinstance(workflow, dict) or "nodes" in workflow or not workflow:
        raise _config_error(f"ComfyUI workflow {path} is not in API format "
                            "(use 'Save (API Format)')")
    slots: dict[str, str] = {}
    for node_id, node in workflow.items():
        if not isinstance(node, dict) or "class_type" not in node or "inputs" not in node:
            raise _config_error(f"ComfyUI workflow {path}: node {node_id} has no "
                                "class_type/inputs (not API format)")
        title = str((node.get("_meta") or {}).get("title") or "")
        if not title.startswith(TITLE):
            continue
        slot = title[len(TITLE):]
        if slot not in SLOTS:
            raise _config_error(f"ComfyUI workflow {path}: node {node_id} has unknown title "
                                f"{title!r}; known: {', '.join(TITLE + s for s in SLOTS)}")
        for choices in SLOTS[slot]:
            if not any(name in node["inputs"] for name in choices):
                raise _config_error(f"ComfyUI workflow {path}: node {node_id} ({title}) has "
                                    f"no input {' or '.join(choices)}")
        slots[slot] = node_id
    if "prompt" not in slots:
        raise _config_error(f"ComfyUI workflow {path}: no node titled {TITLE}prompt")
    return workflow, slots


class ComfyUIProvider:
    name = NAME

    def __init__(self, *, model: str = "", options: dict[str, Any] | None = None,
                 settings: Settings, **_: object) -> None:
        self.options = ComfyOptions.model_validate(options or {})
        self.model = model or self.options.workflow
        self._base = (settings.comfyui_url or "").rstrip("/")
        path = settings.config_dir / "generation" / "comfy" / self.options.workflow
        self.workflow, self.slots = load_workflow(path)
        if self.options.checkpoint and "checkpoint" not in self.slots:
            raise _config_error(f"options.checkpoint is set but {path} has no node titled "
                                f"{TITLE}checkpoint")

    # -- HTTP ---------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self._base, timeout=self.options.timeout())

    def _call(self, method: str, path: str, should_cancel: CancelCheck | None,
              **kwargs: Any) -> httpx.Response:
        def attempt() -> httpx.Response:
            with self._client() as client:
                response = client.request(method, path, **kwargs)
            if path == "/prompt" and response.status_code == 400:
                raise ProviderError(f"{NAME}: workflow refused: {refusal(response)}",
                                    retryable=False, provider=NAME)
            check_status(response, NAME, ())
            return response

        return with_retries(attempt, provider=NAME, options=self.options,
                            should_cancel=should_cancel,
                            rng=random.Random())

    def _best_effort(self, *posts: tuple[str, dict[str, Any]]) -> None:
        try:
            with httpx.Client(base_url=self._base, timeout=2.0) as client:
                for path, body in posts:
                    client.post(path, json=body)
        except httpx.HTTPError:
            pass

    def _abandon(self, prompt_id: str) -> None:
        """Stop the GPU working for nobody."""
        self._best_effort(("/interrupt", {"prompt_id": prompt_id}),
                          ("/queue", {"delete": [prompt_id]}))

    def _forget(self, prompt_id: str) -> None:
        """The image is ours now: drop the prompt's /history entry on the server."""
        self._best_effort(("/history", {"delete": [prompt_id]}))

    # -- the job ------------------------------------------------------------------------

    def _workflow_for(self, request: ImageRequest, source_name: str | None) -> dict[str, Any]:
        workflow = copy.deepcopy(self.workflow)

        def inputs(slot: str) -> dict[str, Any] | None:
            return workflow[self.slots[slot]]["inputs"] if slot in self.slots else None

        def required(slot: str) -> dict[str, Any]:
            # Checked when the workflow was loaded: these slots exist.
            node_inputs: dict[str, Any] = workflow[self.slots[slot]]["inputs"]
            return node_inputs

        required("prompt")["text"] = request.prompt
        if (node := inputs("negative")) is not None:
            node["text"] = request.negative_prompt
        if (node := inputs("seed")) is not None:
            node["seed" if "seed" in node else "noise_seed"] = request.seed
        if (node := inputs("size")) is not None:
            node["width"], node["height"] = sampler_size(request.width_px, request.height_px,
                                                         self.options.max_side)
        if self.options.checkpoint:
            required("checkpoint")["ckpt_name"] = self.options.checkpoint
        if source_name is not None:
            required("source_image")["image"] = source_name
        for node in workflow.values():
            # Saved images land in output/<server_folder>/, where they can be cleaned.
            if node.get("class_type") == "SaveImage" and "filename_prefix" in node["inputs"]:
                node["inputs"]["filename_prefix"] = \
                    f"{self.options.server_folder}/{request.kind}"
        return workflow

    def _upload(self, data: bytes, should_cancel: CancelCheck | None) -> str:
        name = f"{uuid.uuid4().hex}.png"
        response = self._call("POST", "/upload/image", should_cancel,
                              files={"image": (name, data, "image/png")},
                              data={"type": "input", "overwrite": "true",
                                    "subfolder": self.options.server_folder})
        reply = response.json()
        subfolder = str(reply.get("subfolder") or "")
        stored = str(reply.get("name") or name)
        # LoadImage names a file of input/ by its path inside it.
        return f"{subfolder}/{stored}" if subfolder else stored

    def _wait(self, ws: ClientConnection | None, prompt_id: str,
              on_progress: ProgressCallback | None, should_cancel: CancelCheck | None
              ) -> dict[str, Any] | None:
        """Until the prompt has finished; its /history entry when polling found it."""
        deadline = time.monotonic() + self.options.job_timeout
        state = RunState()
        succeeded_at = 0.0
        next_poll = 0.0
        while True:
            if should_cancel is not None and should_cancel():
                self._abandon(prompt_id)
                raise GenerationCancelled()
            if time.monotonic() > deadline:
                self._abandon(prompt_id)
                raise ProviderError(f"{NAME}: no result after {self.options.job_timeout:.0f} s",
                                    retryable=True, provider=NAME)
            if state.succeeded and not succeeded_at:
                succeeded_at = next_poll = time.monotonic()
            if succeeded_at and time.monotonic() >= next_poll:
                # Success said, `executing` null not yet: /history may be there already.
                entry = self._history(prompt_id, should_cancel)
                if entry is not None:
                    return entry
                if time.monotonic() - succeeded_at > self.options.history_timeout:
                    raise ProviderError(f"{NAME}: the prompt succeeded but /history had no "
                                        f"entry after {self.options.history_timeout:.0f} s",
                                        retryable=True, provider=NAME)
                next_poll = time.monotonic() + max(0.25, self.options.poll_seconds)
            if ws is None:
                # No websocket (refused or dropped): poll the history instead.
                if time.monotonic() >= next_poll:
                    entry = self._history(prompt_id, should_cancel)
                    if entry is not None:
                        return entry
                    next_poll = time.monotonic() + max(1.0, self.options.poll_seconds)
                time.sleep(self.options.poll_seconds)
                continue
            try:
                frame = ws.recv(timeout=self.options.poll_seconds)
            except TimeoutError:
                continue
            except ConnectionClosed:
                ws = None
                continue
            if isinstance(frame, bytes):
                continue  # binary preview images
            handle(json.loads(frame), prompt_id, state, on_progress)
            if state.finished:
                return None

    def _history(self, prompt_id: str, should_cancel: CancelCheck | None) -> dict[str, Any] | None:
        """The finished entry, None while there is none; raises on failure or interrupt."""
        reply = self._call("GET", f"/history/{prompt_id}", should_cancel).json()
        entry = reply.get(prompt_id) if isinstance(reply, dict) else None
        if not isinstance(entry, dict) or not entry:
            return None
        return entry if history_outcome(entry) else None

    def _result(self, prompt_id: str, should_cancel: CancelCheck | None) -> dict[str, Any]:
        """The prompt's /history entry, polled until the server has written it."""
        deadline = time.monotonic() + self.options.history_timeout
        while True:
            entry = self._history(prompt_id, should_cancel)
            if entry:
                return entry
            if time.monotonic() > deadline:
                raise ProviderError(f"{NAME}: the prompt finished but /history had no entry "
                                    f"after {self.options.history_timeout:.0f} s",
                                    retryable=True, provider=NAME)
            cancellable_sleep(self.options.poll_seconds, should_cancel)

    def _image_ref(self, entry: dict[str, Any]) -> dict[str, Any]:
        outputs = entry.get("outputs") or {}
        order = list(outputs)
        if "output" in self.slots and self.slots["output"] in outputs:
            order.insert(0, self.slots["output"])
        for node_id in order:
            for image in (outputs.get(node_id) or {}).get("images") or []:
                # "temp" is a PreviewImage's output: ComfyUI empties temp/ when it starts.
                if isinstance(image, dict) and image.get("filename") and \
                        image.get("type", "output") in ("output", "temp"):
                    return image
        raise ProviderError(f"{NAME}: the workflow produced no output image (is there a "
                            "SaveImage node?)", retryable=False, provider=NAME)

    def _run_once(self, request: ImageRequest, on_progress: ProgressCallback | None,
                  should_cancel: CancelCheck | None) -> tuple[bytes, str]:
        client_id = uuid.uuid4().hex
        with ExitStack() as stack:
            ws = self._connect(client_id, stack)
            source = None
            if request.source_image and "source_image" in self.slots:
                source = self._upload(request.source_image, should_cancel)
            workflow = self._workflow_for(request, source)
            queued = self._call("POST", "/prompt", should_cancel,
                                json={"prompt": workflow, "client_id": client_id}).json()
            prompt_id = str(queued.get("prompt_id") or "")
            if not prompt_id:
                raise ProviderError(f"{NAME}: /prompt gave no prompt_id", retryable=True,
                                    provider=NAME)
            try:
                entry = self._wait(ws, prompt_id, on_progress, should_cancel)
            except RunInterrupted:
                self._forget(prompt_id)
                raise
        entry = entry or self._result(prompt_id, should_cancel)
        image = self._image_ref(entry)
        params = {"filename": image["filename"], "subfolder": image.get("subfolder", ""),
                  "type": image.get("type", "output")}
        raw = self._call("GET", "/view", should_cancel, params=params).content
        self._forget(prompt_id)
        return raw, prompt_id

    def generate(self, request: ImageRequest, *, on_progress: ProgressCallback | None = None,
                 should_cancel: CancelCheck | None = None) -> GeneratedImage:
        if not request.prompt.strip():
            raise ProviderError(f"{NAME}: empty prompt", retryable=False, provider=NAME)
        rng = random.Random(request.seed)
        attempts = self.options.max_attempts
        for attempt in range(1, attempts + 1):
            # A run the server interrupted is run again here, within max_attempts: the
            # queue does not retry provider errors (one retry layer).
            try:
                raw, prompt_id = self._run_once(request, on_progress, should_cancel)
                break
            except RunInterrupted as exc:
                if attempt == attempts:
                    raise ProviderError(f"{exc} (gave up after {attempts} attempt"
                                        f"{'s' if attempts > 1 else ''})", retryable=True,
                                        provider=NAME) from exc
                cancellable_sleep(backoff_delay(attempt - 1, self.options, rng), should_cancel)
        png, (width, height) = as_png(raw, NAME)
        if on_progress is not None:
            on_progress(1, 1)
        return GeneratedImage(
            data=png, provider=NAME, model=self.model, prompt=request.prompt, seed=request.seed,
            meta={"width": width, "height": height, "prompt_id": prompt_id,
                  "workflow": self.options.workflow, "attempts": attempt},
        )

    def _connect(self, client_id: str, stack: ExitStack) -> ClientConnection | None:
        url = "ws" + self._base[len("http"):] if self._base.startswith("http") else self._base
        try:
            return stack.enter_context(connect(f"{url}/ws?clientId={client_id}",
                                               open_timeout=self.options.connect_timeout,
                                               max_size=None))
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError):
            return None  # history polling still works without it
