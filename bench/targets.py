"""Targets checked by the benchmarks: each prints MET or MISSED beside its figure, and
`python -m bench` lists them all again at the end (they are appended, one JSON object a
line, to the file named by BENCH_RESULTS)."""

from __future__ import annotations

import json
import operator
import os

_OPERATORS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}


def check(name: str, figure: float, op: str, limit: float, unit: str = "",
          note: str = "") -> bool:
    met = bool(_OPERATORS[op](figure, limit))
    shown = f"{figure:.2f}" if abs(figure) < 10 else f"{figure:.0f}"
    line = f"{'MET   ' if met else 'MISSED'} {name}: {shown}{unit} (target {op} {limit:g}{unit})"
    print(f"  {line}{'  ' + note if note else ''}", flush=True)
    if path := os.environ.get("BENCH_RESULTS"):
        with open(path, "a") as results:
            results.write(json.dumps({"name": name, "figure": figure, "op": op,
                                      "limit": limit, "unit": unit, "met": met,
                                      "note": note}) + "\n")
    return met
