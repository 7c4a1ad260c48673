"""Peak memory of a process, measured truthfully.

`ru_maxrss` is no use for a child: Linux carries the parent's high-water mark over fork
and exec, so every child of a 183 MB parent "peaked" at 183 MB at least. VmHWM in
/proc/<pid>/status belongs to the process's own address space, which exec replaces: it
starts from zero in every fresh interpreter.

`python -m bench.peak MODULE [ARGS...]` runs MODULE as __main__ in this fresh interpreter
and, when it exits (normally, by sys.exit or by an exception), writes its peak in MB to
the file named by BENCH_PEAK_FILE."""

from __future__ import annotations

import atexit
import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _status_mb(pid: int | str, field: str) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} for process {pid}")


def peak_mb(pid: int | str = "self") -> float:
    """Highest resident memory of the process so far (its own, never its parent's)."""
    return _status_mb(pid, "VmHWM")


def resident_mb(pid: int | str = "self") -> float:
    return _status_mb(pid, "VmRSS")


def child_environment(env: dict[str, str] | None, peak_file: str | None = None
                      ) -> dict[str, str]:
    """This environment with `env` on top, the repository importable, and BENCH_PEAK_FILE
    set (or removed, so a grandchild never writes its figure in its parent's file)."""
    merged = {**os.environ, **(env or {}),
              "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                          os.environ.get("PYTHONPATH")]))}
    merged.pop("BENCH_PEAK_FILE", None)
    if peak_file:
        merged["BENCH_PEAK_FILE"] = peak_file
    return merged


def popen_measured(module: str, args: list[str], peak_file: str, *,
                   env: dict[str, str] | None = None, log=None) -> subprocess.Popen:
    """Start `python -m MODULE ARGS` (a long-running worker, a server) measured the same
    way: its peak lands in `peak_file` when it exits."""
    return subprocess.Popen([sys.executable, "-m", "bench.peak", module, *args], cwd=REPO,
                            env=child_environment(env, peak_file), stdout=log,
                            stderr=subprocess.STDOUT if log else None)


def read_peak(peak_file: str) -> float | None:
    text = Path(peak_file).read_text() if Path(peak_file).exists() else ""
    return json.loads(text)["peak_mb"] if text else None


def run_measured(module: str, args: list[str], *, env: dict[str, str] | None = None,
                 capture: bool = True, timeout: float | None = None) -> dict:
    """Run `python -m MODULE ARGS` in a fresh interpreter; returns its exit code, output,
    wall time and peak memory."""
    with tempfile.NamedTemporaryFile(prefix="bench-peak-", suffix=".json") as report:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "bench.peak", module, *args],
                              cwd=REPO, env=child_environment(env, report.name),
                              capture_output=capture, text=True, timeout=timeout,
                              check=False)
        seconds = time.perf_counter() - started
        peak = read_peak(report.name)
    return {"returncode": proc.returncode, "stdout": proc.stdout or "",
            "stderr": proc.stderr or "", "seconds": seconds, "peak_mb": peak}


def _report_at_exit(path: str) -> None:
    Path(path).write_text(json.dumps({"peak_mb": peak_mb()}))


def main() -> None:
    module, *args = sys.argv[1:]
    if path := os.environ.get("BENCH_PEAK_FILE"):
        atexit.register(_report_at_exit, path)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
