"""`python -m bench [name ...]`: run the benchmarks (all of them by default), printing figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    available = sorted(m.name.removeprefix("bench_") for m in
                       pkgutil.iter_modules([str(Path(__file__).parent)])
                       if m.name.startswith("bench_"))
    names = argv or available
    for name in names:
        if name not in available:
            sys.exit(f"unknown benchmark {name!r}; available: {', '.join(available)}")
    for name in names:
        print(f"\n=== bench {name} ===", flush=True)
        importlib.import_module(f"bench.bench_{name}").main([])


if __name__ == "__main__":
    main(sys.argv[1:])
