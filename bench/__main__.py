"""`python -m bench [name ...]`: run the benchmarks (all of them by default), each in a
fresh interpreter whose own peak memory is printed after it, then every target again
with MET or MISSED. Exits 1 if a target was missed or a benchmark failed."""

from __future__ import annotations

import json
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

from bench.peak import run_measured


def _available() -> list[str]:
    return sorted(m.name.removeprefix("bench_") for m in
                  pkgutil.iter_modules([str(Path(__file__).parent)])
                  if m.name.startswith("bench_"))


def main(argv: list[str]) -> int:
    available = _available()
    names = argv or available
    for name in names:
        if name not in available:
            sys.exit(f"unknown benchmark {name!r}; available: {', '.join(available)}")
    failed = []
    with tempfile.NamedTemporaryFile(prefix="bench-results-", suffix=".jsonl") as results:
        for name in names:
            print(f"\n=== bench {name} ===", flush=True)
            run = run_measured(f"bench.bench_{name}", [], capture=False,
                               env={"BENCH_RESULTS": results.name})
            peak = f"{run['peak_mb']:.0f} MB" if run["peak_mb"] else "unknown"
            print(f"--- bench {name}: {run['seconds']:.0f} s, exit {run['returncode']}; "
                  f"its own process peaked at {peak} (VmHWM of a fresh interpreter)",
                  flush=True)
            if run["returncode"] != 0:
                failed.append(name)
        targets = [json.loads(line) for line in Path(results.name).read_text().splitlines()]
    print(f"\n=== targets ({os.cpu_count()} cores, load average "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}) ===")
    for target in targets:
        figure = target["figure"]
        shown = f"{figure:.2f}" if abs(figure) < 10 else f"{figure:.0f}"
        print(f"  {'MET   ' if target['met'] else 'MISSED'} {target['name']}: {shown}"
              f"{target['unit']} (target {target['op']} {target['limit']:g}{target['unit']})")
    for name in failed:
        print(f"  FAILED benchmark {name}")
    missed = [t for t in targets if not t["met"]]
    print(f"{len(targets) - len(missed)} of {len(targets)} targets met"
          + (f", {len(failed)} benchmark(s) failed" if failed else ""))
    return 1 if missed or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
