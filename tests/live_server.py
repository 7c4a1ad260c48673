"""A real `backoffice serve` (uvicorn) on loopback, and the raw HTTP tools the fault tests
and the load benchmark use against it: nothing in-process, nothing mocked."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "BACKOFFICE_DATA_DIR": str(data_dir),
           "BACKOFFICE_LANGUAGE": "en"}
    env.update(extra)
    return env


@dataclass
class LiveServer:
    process: subprocess.Popen
    host: str
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def connection(self, timeout: float = 30.0) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def get(self, path: str, headers: dict[str, str] | None = None,
            timeout: float = 30.0) -> tuple[int, bytes]:
        conn = self.connection(timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def live_server(env: dict[str, str], log: Path, *, ready_path: str = "/healthz",
                command: tuple[str, ...] = ("serve",), startup: float = 90.0
                ) -> Iterator[LiveServer]:
    port = free_port()
    args = [sys.executable, "-m", "backoffice", *command, "--host", "127.0.0.1",
            "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(args, env=env, stdout=sink, stderr=subprocess.STDOUT)
    server = LiveServer(process, "127.0.0.1", port, log)
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the server exited: {server.output()[-3000:]}")
            try:
                if server.get(ready_path, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not start: {server.output()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, q: float) -> float:
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def worst(self) -> float:
        return max(self.seconds, default=float("nan"))

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def probe(server: LiveServer, path: str, stop: threading.Event, every: float = 0.02
          ) -> Latencies:
    """GET `path` in a loop until `stop` is set, one fresh connection each time, as a
    monitoring probe does; a request that fails counts as an error."""
    result = Latencies()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _ = server.get(path, timeout=60)
            if status != 200:
                result.errors += 1
        except OSError:
            result.errors += 1
        result.seconds.append(time.perf_counter() - started)
        stop.wait(every)
    return result


def post_raw(server: LiveServer, path: str, body: bytes, headers: dict[str, str], *,
             chunk: int = 256 * 1024, rate: float | None = None, chunked: bool = False,
             timeout: float = 60.0) -> int:
    """POST `body` over a raw socket, `chunk` bytes at a time (at most `rate` bytes a
    second when given; with `chunked`, as Transfer-Encoding: chunked with no declared
    length). Returns the status, or 0 when the server hung up first."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        length = ("Transfer-Encoding: chunked" if chunked
                  else f"Content-Length: {len(body)}")
        lines = [f"POST {path} HTTP/1.1", f"Host: {server.host}:{server.port}", length,
                 "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        sent = 0
        started = time.monotonic()
        try:
            while sent < len(body):
                piece = body[sent:sent + chunk]
                if chunked:
                    piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
                sock.sendall(piece)
                sent += chunk
                if rate:
                    ahead = sent / rate - (time.monotonic() - started)
                    if ahead > 0:
                        time.sleep(ahead)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered early and closed: read what it said
        try:
            reply = sock.recv(65536)
        except OSError:
            return 0
        if not reply.startswith(b"HTTP/1.1 "):
            return 0
        return int(reply[9:12])
    finally:
        sock.close()


def under_load(server: LiveServer, attack: Callable[[], object], attackers: int,
               probe_path: str = "/healthz") -> tuple[Latencies, list[object]]:
    """Probe `probe_path` while `attackers` threads each run `attack` once."""
    stop = threading.Event()
    box: dict[str, Latencies] = {}
    prober = threading.Thread(target=lambda: box.setdefault("l", probe(server, probe_path,
                                                                        stop)))
    prober.start()
    time.sleep(0.2)
    outcomes: list[object] = []
    threads = [threading.Thread(target=lambda: outcomes.append(attack()))
               for _ in range(attackers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(0.2)
    stop.set()
    prober.join()
    return box["l"], outcomes
