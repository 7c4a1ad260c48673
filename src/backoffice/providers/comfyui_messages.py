"""What a ComfyUI server says, read as the real server says it (0.3.x, execution.py and
main.py's prompt_worker), and its errors worded in one line without server paths.

The real order of a run on /ws: status (queue), execution_start, execution_cached,
then per node executing / progress (sampler steps) / progress_state / executed, then
execution_success; only after that is /history written (PromptQueue.task_done), and
then `executing` with node null says the prompt is finished. An interrupt is broadcast
as execution_interrupted and stored in /history as status_str "error" with an
execution_interrupted message, so both paths must treat it alike.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from backoffice.providers.base import ProgressCallback, ProviderError
from backoffice.providers.http_retry import error_text

logger = logging.getLogger("backoffice.providers.comfyui")
NAME = "comfyui"
# A file path on the server (POSIX or Windows): only its last part is shown.
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/:,;()\[\]]+)+[\\/]?")
MAX_TEXT = 240


class RunInterrupted(ProviderError):
    """The server stopped our prompt (someone pressed Cancel in ComfyUI, a restart): the
    adapter runs the workflow again, within max_attempts."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True, provider=NAME)


def one_line(text: str) -> str:
    """The first line of a server message, paths cut to their file name, short."""
    first = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    first = _PATH.sub(lambda m: m.group(0).rstrip("\\/").replace("\\", "/").rsplit("/", 1)[-1],
                      first)
    first = " ".join(first.split())
    return first if len(first) <= MAX_TEXT else first[:MAX_TEXT - 1] + "…"


@dataclass
class RunState:
    """Where our prompt is, from its messages."""

    succeeded: bool = False
    finished: bool = False


def _node_failed(data: dict[str, Any]) -> ProviderError:
    exception = f"{data.get('exception_type', '')}: {data.get('exception_message', '')}"
    logger.warning("comfyui: node %s (%s) failed: %s\n%s", data.get("node_id"),
                   data.get("node_type"), exception,
                   "".join(str(line) for line in data.get("traceback") or []))
    kind = str(data.get("exception_type") or "").rsplit(".", 1)[-1]
    message = one_line(str(data.get("exception_message") or ""))
    return ProviderError(f"{NAME}: node {data.get('node_id')} ({data.get('node_type')}) "
                         f"failed: {kind + ': ' if kind else ''}{message}".rstrip(": "),
                         retryable=False, provider=NAME)


def _interrupted(data: dict[str, Any]) -> RunInterrupted:
    return RunInterrupted(f"{NAME}: the prompt was interrupted on the server (node "
                          f"{data.get('node_id')}, {data.get('node_type')})")


def handle(message: dict[str, Any], prompt_id: str, state: RunState,
           on_progress: ProgressCallback | None) -> None:
    """Follow one /ws message: progress, success, the end, or raise on a failure.
    Messages about other prompts and unknown types (newer builds add some) are ignored."""
    kind, data = message.get("type"), message.get("data") or {}
    if not isinstance(data, dict) or data.get("prompt_id") != prompt_id:
        return
    if kind == "progress":
        if on_progress is not None and data.get("max"):
            maximum = int(data["max"])
            on_progress(min(int(data.get("value") or 0), maximum), maximum)
    elif kind == "execution_success":
        state.succeeded = True  # /history is written next, then `executing` null
    elif kind == "executing" and data.get("node") is None:
        state.finished = True
    elif kind == "execution_error":
        raise _node_failed(data)
    elif kind == "execution_interrupted":
        raise _interrupted(data)


def history_outcome(entry: dict[str, Any]) -> bool:
    """True when a /history entry is a finished success; raises as the /ws path does
    for an error or an interrupt (the real server stores both as status "error")."""
    status = entry.get("status") or {}
    if status.get("status_str") == "error":
        for name, data in status.get("messages") or []:
            if name == "execution_interrupted" and isinstance(data, dict):
                raise _interrupted(data)
            if name == "execution_error" and isinstance(data, dict):
                raise _node_failed(data)
        raise ProviderError(f"{NAME}: the workflow failed on the server", retryable=False,
                            provider=NAME)
    return bool(status.get("completed", True))


def refusal(response: httpx.Response) -> str:
    """One line for a 400 on /prompt: the error and the first node's first problem
    (prompt_outputs_failed_validation), or the prompt-level error (invalid_prompt for
    an unknown node class, prompt_no_outputs) with its details."""
    try:
        body = response.json()
    except ValueError:
        return one_line(error_text(response))
    if not isinstance(body, dict):
        return one_line(error_text(response))
    error = body.get("error")
    if not isinstance(error, dict):
        return one_line(str(error or error_text(response)))
    text = str(error.get("message") or error.get("type") or "refused")
    nodes = body.get("node_errors")
    for node_id, problem in nodes.items() if isinstance(nodes, dict) else ():
        if not isinstance(problem, dict):
            continue
        first = (problem.get("errors") or [{}])[0]
        detail = f"{first.get('message', '')}: {first.get('details', '')}".strip(": ")
        return one_line(f"{text}; node {node_id} ({problem.get('class_type')}): {detail}")
    if error.get("details"):
        text = f"{text} ({error['details']})"
    return one_line(text)
