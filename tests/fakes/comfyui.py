"""A local ComfyUI: POST /prompt, /ws, GET /history/{id}, /view, /upload/image,
/interrupt and /queue, each also under /api, as server.py serves them.

On /ws the client whose clientId queued the prompt gets text frames in ComfyUI's
order: status, execution_start, execution_cached, executing(node), progress x N, a
binary preview frame, executed, then the history is stored and `executing` with node
null ends it. Scripted behaviours per /prompt (then "ok"):
  ok         the run above; /view serves a gray speckled line drawing
  reject     400 prompt_outputs_failed_validation with node_errors
  500        500 on /prompt (the client retries)
  error      execution_error on /ws and an error status in /history
  slow       progress steps `slow_step` seconds apart (for cancel and /interrupt)
  no_output  history without images
  bad_image  /view serves bytes that are no image
  ws_drop    the socket is closed after queueing; history still fills (polling path)
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


class FakeComfyUI(ScriptedFake):
    def __init__(self, *, steps: int = 5, slow_step: float = 0.5) -> None:
        super().__init__()
        self.steps = steps
        self.slow_step = slow_step
        self.prompts: list[dict] = []
        self.interrupts: list[dict] = []
        self.deleted: list[str] = []
        self.uploads: list[str] = []
        self.history: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.sockets: dict[str, WebSocket] = {}
        routes = [
            Route("/prompt", self.post_prompt, methods=["POST"]),
            Route("/history/{prompt_id}", self.get_history),
            Route("/view", self.view),
            Route("/upload/image", self.upload, methods=["POST"]),
            Route("/interrupt", self.interrupt, methods=["POST"]),
            Route("/queue", self.queue, methods=["POST"]),
            WebSocketRoute("/ws", self.ws),
        ]
        self.app = Starlette(routes=[*routes, Mount("/api", routes=routes)])

    def reset(self) -> None:
        for name in ("prompts", "interrupts", "deleted", "uploads"):
            getattr(self, name).clear()
        self.script.clear()

    async def ws(self, websocket: WebSocket) -> None:
        client_id = websocket.query_params.get("clientId") or uuid.uuid4().hex
        await websocket.accept()
        self.sockets[client_id] = websocket
        await websocket.send_json({"type": "status", "data": {
            "status": {"exec_info": {"queue_remaining": 0}}, "sid": client_id}})
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
            return JSONResponse({"error": "no prompt", "node_errors": []}, status_code=400)
        behaviour = self.next_behaviour()
        if behaviour == "500":
            return JSONResponse({"error": "internal"}, status_code=500)
        if behaviour == "reject":
            return JSONResponse({
                "error": {"type": "prompt_outputs_failed_validation",
                          "message": "Prompt outputs failed validation", "details": "",
                          "extra_info": {}},
                "node_errors": {"4": {"errors": [{
                    "type": "value_not_in_list", "message": "Value not in list",
                    "details": "ckpt_name: 'missing.safetensors' not in []",
                    "extra_info": {}}], "dependent_outputs": ["9"],
                    "class_type": "CheckpointLoaderSimple"}}}, status_code=400)
        prompt_id = str(uuid.uuid4())
        self.prompts.append({"id": prompt_id, "workflow": workflow, "behaviour": behaviour,
                             "client_id": body.get("client_id")})
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

    async def _run(self, prompt_id: str, client_id: str | None, workflow: dict,
                   behaviour: str) -> None:
        if behaviour == "ws_drop" and client_id in self.sockets:
            await self.sockets[client_id].close()
        await asyncio.sleep(0.01)
        now = int(time.time() * 1000)
        await self._send(client_id, {"type": "execution_start",
                                     "data": {"prompt_id": prompt_id, "timestamp": now}})
        await self._send(client_id, {"type": "execution_cached",
                                     "data": {"nodes": ["4"], "prompt_id": prompt_id}})
        await self._send(client_id, {"type": "executing", "data": {
            "node": "3", "display_node": "3", "prompt_id": prompt_id}})
        # A message about someone else's prompt, which the client must ignore.
        await self._send(client_id, {"type": "progress", "data": {
            "value": 9, "max": 10, "prompt_id": "someone-else", "node": "3"}})
        for step in range(1, self.steps + 1):
            if behaviour == "slow":
                await asyncio.sleep(self.slow_step)
            if any(i.get("prompt_id") == prompt_id for i in self.interrupts):
                await self._send(client_id, {"type": "execution_interrupted", "data": {
                    "prompt_id": prompt_id, "node_id": "3", "node_type": "KSampler",
                    "executed": []}})
                return
            await self._send(client_id, {"type": "progress", "data": {
                "value": step, "max": self.steps, "prompt_id": prompt_id, "node": "3"}})
        await self._send(client_id, struct.pack(">II", 1, 2) + b"\x89PNG preview")
        if behaviour == "error":
            error = {"prompt_id": prompt_id, "node_id": "3", "node_type": "KSampler",
                     "executed": [], "exception_message": "CUDA out of memory",
                     "exception_type": "torch.OutOfMemoryError", "traceback": [],
                     "current_inputs": {}, "current_outputs": {}}
            await self._send(client_id, {"type": "execution_error", "data": error})
            self.history[prompt_id] = {"prompt": [0, prompt_id, workflow, {}, ["9"]],
                                       "outputs": {}, "status": {
                                           "status_str": "error", "completed": False,
                                           "messages": [["execution_error", error]]}}
            return
        images = []
        if behaviour != "no_output":
            filename = f"ComfyUI_{len(self.files) + 1:05d}_.png"
            self.files[filename] = self._image(workflow, behaviour)
            images = [{"filename": filename, "subfolder": "", "type": "output"}]
        output_node = next((k for k, v in workflow.items()
                            if v.get("class_type") == "SaveImage"), "9")
        await self._send(client_id, {"type": "executed", "data": {
            "node": output_node, "display_node": output_node,
            "output": {"images": images}, "prompt_id": prompt_id}})
        self.history[prompt_id] = {
            "prompt": [0, prompt_id, workflow, {}, [output_node]],
            "outputs": {output_node: {"images": images}} if images else {},
            "status": {"status_str": "success", "completed": True,
                       "messages": [["execution_start", {"prompt_id": prompt_id}]]}}
        await self._send(client_id, {"type": "executing", "data": {
            "node": None, "display_node": None, "prompt_id": prompt_id}})
        await self._send(client_id, {"type": "execution_success",
                                     "data": {"prompt_id": prompt_id, "timestamp": now}})

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

    async def view(self, request: Request) -> Response:
        filename = request.query_params.get("filename", "")
        if ".." in filename or filename.startswith("/"):
            return Response(status_code=400)
        if request.query_params.get("type", "output") != "output" or filename not in self.files:
            return Response(status_code=404)
        return Response(self.files[filename], media_type="image/png",
                        headers={"Content-Disposition": f'filename="{filename}"'})

    async def upload(self, request: Request) -> JSONResponse:
        form = await request.form()
        upload = form["image"]
        data = await upload.read()
        Image.open(io.BytesIO(data)).verify()
        self.uploads.append(upload.filename)
        return JSONResponse({"name": upload.filename, "subfolder": "", "type": "input"})

    async def interrupt(self, request: Request) -> Response:
        body = await request.body()
        self.interrupts.append(await request.json() if body else {})
        return Response(status_code=200)

    async def queue(self, request: Request) -> Response:
        body = await request.json()
        self.deleted.extend(body.get("delete") or [])
        return Response(status_code=200)
