"""mypy on the whole package, as `make typecheck` runs it (`[tool.mypy]` in pyproject.toml):
the pure cores are typed completely, the rest is checked where annotated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_passes() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, f"mypy failed:\n{done.stdout}{done.stderr}"
