"""A local ComfyUI that behaves as the real server (0.3.x: server.py, execution.py and
main.py's prompt_worker): POST /prompt, /ws, GET and POST /history, /view,
/upload/image, /interrupt and /queue, each also under /api.

Message order and shapes on /ws, as the real server sends them:
  on connect   status {status: {exec_info: {queue_remaining}}, sid}
  on /prompt   status broadcast (queue_remaining 1), to every socket, without sid
  the run      execution_start {prompt_id, timestamp}
               execution_cached {nodes, prompt_id, timestamp}
               executing {node, display_node, prompt_id} then progress_state
               {prompt_id, nodes: {id: {value, max, state, ...}}} for every node
               progress {value, max, prompt_id, node} per sampler step, each with its
               progress_state; a binary preview frame (>II event 1, format 2)
               executed {node, display_node, output, prompt_id} for the SaveImage
               execution_success {prompt_id, timestamp}
  then         /history is still {} for `history_delay` seconds (PromptQueue.task_done
               runs after execute), then holds the entry, and only then
               executing {node: null, prompt_id}, and a status broadcast (queue 0)

Scripted behaviours per /prompt (then "ok"):
  ok                   the run above; /view serves a gray speckled line drawing
  reject               400 prompt_outputs_failed_validation, value_not_in_list (ckpt)
  reject_missing_input 400 prompt_outputs_failed_validation, required_input_missing
  reject_too_big       400 prompt_outputs_failed_validation, value_bigger_than_max
  reject_type          400 prompt_outputs_failed_validation, invalid_input_type
  reject_no_outputs    400 prompt_no_outputs, node_errors {}
  reject_unknown_node  400 invalid_prompt "Cannot execute because node ... does not
                       exist.", node_errors {}
  500                  500 on /prompt (the client retries)
  error                execution_error (multi-line, with server paths) and an error
                       status in /history with that message
  interrupt            interrupted on the server mid-run: execution_interrupted
                       (broadcast), /history status_str "error", completed false, with
                       an execution_interrupted message
  no_null              never sends `executing` null (only /history tells the end)
  slow                 progress steps `slow_step` seconds apart (cancel, /interrupt)
  no_output            history without images
  bad_image            /view serves bytes that are no image
  ws_drop              the socket is closed after queueing (polling path);
  ws_drop_interrupt    the same, and the run is interrupted on the server
"""

from __future__ import annotations

import asyncio
import io
import struct
import time
import uuid

from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.drawing import speckled_line_drawing
from tests.fakes.scripted import ScriptedFake

VALIDATION = {"type": "prompt_outputs_failed_validation",
              "message": "Prompt outputs failed validation", "details": "", "extra_info": {}}
# node id -> (class_type, the error as ComfyUI's validate_inputs words it)
NODE_ERRORS = {
    "reject": ("4", "CheckpointLoaderSimple", {
        "type": "value_not_in_list", "message": "Value not in list",
        "details": "ckpt_name: 'missing.safetensors' not in []",
        "extra_info": {"input_name": "ckpt_name", "input_config": None,
                       "received_value": "missing.safetensors"}}),
    "reject_missing_input": ("3", "KSampler", {
        "type": "required_input_missing", "message": "Required input is missing",
        "details": "model", "extra_info": {"input_name": "model"}}),
    "reject_too_big": ("3", "KSampler", {
        "type": "value_bigger_than_max", "message": "Value 200 bigger than max of 150",
        "details": "steps", "extra_info": {"input_name": "steps", "input_config": {},
                                           "received_value": 200}}),
    "reject_type": ("3", "KSampler", {
        "type": "invalid_input_type",
        "message": "Failed to convert an input value to a INT value",
        "details": "seed, abc, invalid literal for int() with base 10: 'abc'",
        "extra_info": {"input_name": "seed", "received_value": "abc",
                       "exception_message": "invalid literal for int() with base 10: 'abc'"}}),
}
PROMPT_ERRORS = {
    "reject_no_outputs": {"type": "prompt_no_outputs", "message": "Prompt has no outputs",
                          "details": "", "extra_info": {}},
    "reject_unknown_node": {"type": "invalid_prompt",
                            "message": "Cannot execute because node LineArtMagic does not "
                                       "exist.", "details": "Node ID '#12'", "extra_info": {}},
}
SERVER_ERROR = ("Allocation on device 0 would exceed allowed memory. (out of memory)\n"
                "Currently allocated     : 23.10 GiB\n"
                "  File \"/home/comfy/ComfyUI/comfy/ldm/modules/attention.py\", line 345")


def _now() -> int:
    return int(time.time() * 1000)


class FakeComfyUI(ScriptedFake):
    def __init__(self, *, steps: int = 5, slow_step: float = 0.5,
                 history_delay: float = 0.4) -> None:
        super().__init__()
        self.steps = steps
        self.slow_step = slow_step
        self.history_delay = history_delay
        self.prompts: list[dict] = []
        self.interrupts: list[dict] = []
        self.deleted: list[str] = []
        self.history_deleted: list[str] = []
        self.uploads: list[dict] = []
        self.history: dict[str, dict] = {}
        self.files: dict[tuple[str, str], bytes] = {}
        self.sockets: dict[str, WebSocket] = {}
        self.queue_remaining = 0
        routes = [
            Route("/prompt", self.post_prompt, methods=["POST"]),
            Route("/history/{prompt_id}", self.get_history),
            Route("/history", self.post_history, methods=["POST"]),
            Route("/view", self.view),
            Route("/upload/image", self.upload, methods=["POST"]),
            Route("/interrupt", self.interrupt, methods=["POST"]),
            Route("/queue", self.queue, methods=["POST"]),
            WebSocketRoute("/ws", self.ws),
        ]
        self.app = Starlette(routes=[*routes, Mount("/api", routes=routes)])

    def reset(self) -> None:
        for name in ("prompts", "interrupts", "deleted", "uploads", "history_deleted"):
            getattr(self, name).clear()
        self.script.clear()

    async def ws(self, websocket: WebSocket) -> None:
        client_id = websocket.query_params.get("clientId") or uuid.uuid4().hex
        await websocket.accept()
        self.sockets[client_id] = websocket
        await websocket.send_json({"type": "status", "data": {
            "status": {"exec_info": {"queue_remaining": self.queue_remaining}},
            "sid": client_id}})
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            self.sockets.pop(client_id, None)

    async def post_prompt(self, request: Request) -> JSONResponse:
        body = await request.json()
        workflow = body.get("prompt")
        if not isinstance(workflow, dict):
            return JSONResponse({"error": {"type": "no_prompt", "message": "No prompt provided",
                                           "details": "No prompt provided", "extra_info": {}},
                                 "node_errors": {}}, status_code=400)
        behaviour = self.next_behaviour()
        if behaviour == "500":
            return JSONResponse({"error": "internal"}, status_code=500)
        if behaviour in NODE_ERRORS:
            node_id, class_type, error = NODE_ERRORS[behaviour]
            return JSONResponse({"error": VALIDATION, "node_errors": {node_id: {
                "errors": [error], "dependent_outputs": ["9"], "class_type": class_type}}},
                status_code=400)
        if behaviour in PROMPT_ERRORS:
            return JSONResponse({"error": PROMPT_ERRORS[behaviour], "node_errors": {}},
                                status_code=400)
        prompt_id = str(uuid.uuid4())
        self.prompts.append({"id": prompt_id, "workflow": workflow, "behaviour": behaviour,
                             "client_id": body.get("client_id")})
        self.queue_remaining += 1
        asyncio.get_running_loop().create_task(
            self._run(prompt_id, body.get("client_id"), workflow, behaviour))
        return JSONResponse({"prompt_id": prompt_id, "number": len(self.prompts),
                             "node_errors": {}})

    async def _send(self, client_id: str | None, message: dict | bytes) -> None:
        socket = self.sockets.get(client_id or "")
        if socket is None:
            return
        try:
            if isinstance(message, bytes):
                await socket.send_bytes(message)
            else:
                await socket.send_json(message)
        except (RuntimeError, WebSocketDisconnect):
            pass

    async def _broadcast(self, message: dict) -> None:
        for client_id in list(self.sockets):
            await self._send(client_id, message)

    async def _status(self) -> None:
        await self._broadcast({"type": "status", "data": {
            "status": {"exec_info": {"queue_remaining": self.queue_remaining}}}})

    async def _progress_state(self, client_id, prompt_id: str, nodes: dict) -> None:
        await self._send(client_id, {"type": "progress_state", "data": {
            "prompt_id": prompt_id, "nodes": {node: {
                "value": value, "max": maximum, "state": state, "node_id": node,
                "prompt_id": prompt_id, "display_node_id": node, "parent_node_id": None,
                "real_node_id": node} for node, (value, maximum, state) in nodes.items()}}})

    async def _finish(self, client_id, prompt_id: str, entry: dict, behaviour: str) -> None:
        """History written, then `executing` null: the order of prompt_worker."""
        self.history[prompt_id] = entry
        if behaviour != "no_null":
            await self._send(client_id, {"type": "executing", "data": {
                "node": None, "prompt_id": prompt_id}})
        self.queue_remaining = max(0, self.queue_remaining - 1)
        await self._status()

    async def _run(self, prompt_id: str, client_id: str | None, workflow: dict,
                   behaviour: str) -> None:
        if behaviour.startswith("ws_drop") and client_id in self.sockets:
            await self.sockets[client_id].close()
        await self._status()
        await asyncio.sleep(0.01)
        messages: list[list] = []

        async def say(kind: str, data: dict, *, record: bool = True,
                      broadcast: bool = False) -> None:
            if record:
                messages.append([kind, data])
            message = {"type": kind, "data": data}
            await (self._broadcast(message) if broadcast else self._send(client_id, message))

        def entry(status: str, outputs: dict) -> dict:
            return {"prompt": [len(self.prompts), prompt_id, workflow, {}, ["9"]],
                    "outputs": outputs, "status": {"status_str": status,
                                                   "completed": status == "success",
                                                   "messages": messages},
                    "meta": {}}

        await say("execution_start", {"prompt_id": prompt_id, "timestamp": _now()})
        await say("execution_cached", {"nodes": ["4"], "prompt_id": prompt_id,
                                       "timestamp": _now()})
        await say("executing", {"node": "3", "display_node": "3", "prompt_id": prompt_id},
                  record=False)
        # A message about someone else's prompt, which the client must ignore.
        await self._send(client_id, {"type": "progress", "data": {
            "value": 9, "max": 10, "prompt_id": "someone-else", "node": "3"}})
        for step in range(1, self.steps + 1):
            if behaviour == "slow":
                await asyncio.sleep(self.slow_step)
            ours = any(i.get("prompt_id") == prompt_id for i in self.interrupts)
            if ours or (behaviour in ("interrupt", "ws_drop_interrupt")
                        and step > self.steps // 2):
                await say("execution_interrupted", {
                    "prompt_id": prompt_id, "node_id": "3", "node_type": "KSampler",
                    "executed": ["4", "5", "6", "7"], "timestamp": _now()}, broadcast=True)
                await self._finish(client_id, prompt_id, entry("error", {}), behaviour)
                return
            await say("progress", {"value": step, "max": self.steps, "prompt_id": prompt_id,
                                   "node": "3"}, record=False)
            await self._progress_state(client_id, prompt_id,
                                       {"3": (step, self.steps, "running")})
        await self._send(client_id, struct.pack(">II", 1, 2) + b"\x89PNG preview")
        if behaviour == "error":
            await say("execution_error", {
                "prompt_id": prompt_id, "node_id": "3", "node_type": "KSampler",
                "executed": ["4"], "exception_message": SERVER_ERROR,
                "exception_type": "torch.OutOfMemoryError",
                "traceback": ["  File \"/home/comfy/ComfyUI/execution.py\", line 496\n"],
                "current_inputs": {}, "current_outputs": {}, "timestamp": _now()})
            await self._finish(client_id, prompt_id, entry("error", {}), behaviour)
            return
        images = []
        output_node = next((k for k, v in workflow.items()
                            if v.get("class_type") == "SaveImage"), "9")
        if behaviour != "no_output":
            prefix = str(workflow.get(output_node, {}).get("inputs", {})
                         .get("filename_prefix", "ComfyUI"))
            subfolder, _, name = prefix.rpartition("/")
            filename = f"{name}_{len(self.files) + 1:05d}_.png"
            self.files[(subfolder, filename)] = self._image(workflow, behaviour)
            images = [{"filename": filename, "subfolder": subfolder, "type": "output"}]
        await self._progress_state(client_id, prompt_id, {"3": (self.steps, self.steps,
                                                                "finished")})
        await say("executed", {"node": output_node, "display_node": output_node,
                               "output": {"images": images}, "prompt_id": prompt_id},
                  record=False)
        await say("execution_success", {"prompt_id": prompt_id, "timestamp": _now()})
        # /history stays empty until the worker's task_done, a moment later.
        await asyncio.sleep(self.history_delay)
        await self._finish(client_id, prompt_id,
                           entry("success", {output_node: {"images": images}} if images
                                 else {}), behaviour)

    @staticmethod
    def _image(workflow: dict, behaviour: str) -> bytes:
        if behaviour == "bad_image":
            return b"<html>not an image</html>"
        size = (768, 1024)
        seed = 0
        for node in workflow.values():
            inputs = node.get("inputs", {})
            if node.get("class_type") == "EmptyLatentImage":
                size = (int(inputs["width"]), int(inputs["height"]))
            if "seed" in inputs:
                seed = int(inputs["seed"])
        return speckled_line_drawing(seed % 1000, size)

    async def get_history(self, request: Request) -> JSONResponse:
        prompt_id = request.path_params["prompt_id"]
        entry = self.history.get(prompt_id)
        return JSONResponse({prompt_id: entry} if entry else {})

    async def post_history(self, request: Request) -> Response:
        body = await request.json()
        if body.get("clear"):
            self.history_deleted.extend(self.history)
            self.history.clear()
        for prompt_id in body.get("delete") or []:
            self.history.pop(prompt_id, None)
            self.history_deleted.append(prompt_id)
        return Response(status_code=200)

    async def view(self, request: Request) -> Response:
        filename = request.query_params.get("filename", "")
        subfolder = request.query_params.get("subfolder", "")
        if ".." in filename or filename.startswith("/") or ".." in subfolder:
            return Response(status_code=400)
        key = (subfolder, filename)
        if request.query_params.get("type", "output") != "output" or key not in self.files:
            return Response(status_code=404)
        return Response(self.files[key], media_type="image/png",
                        headers={"Content-Disposition": f'filename="{filename}"'})

    async def upload(self, request: Request) -> JSONResponse:
        form = await request.form()
        upload = form["image"]
        data = await upload.read()
        Image.open(io.BytesIO(data)).verify()
        subfolder = str(form.get("subfolder") or "")
        self.uploads.append({"name": upload.filename, "subfolder": subfolder})
        return JSONResponse({"name": upload.filename, "subfolder": subfolder, "type": "input"})

    async def interrupt(self, request: Request) -> Response:
        body = await request.body()
        self.interrupts.append(await request.json() if body else {})
        return Response(status_code=200)

    async def queue(self, request: Request) -> Response:
        body = await request.json()
        self.deleted.extend(body.get("delete") or [])
        return Response(status_code=200)
