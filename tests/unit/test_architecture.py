"""The shape ARCHITECTURE.md describes, checked: the import contracts in pyproject.toml
(pure cores, one-way feature layers) and the size of modules."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "backoffice"
# "About 400 lines": a module past this is split by sub-topic, not grown.
MAX_MODULE_LINES = 420


def test_import_contracts_hold() -> None:
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_module_is_oversized() -> None:
    oversized = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # revisions are history, written once
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            oversized.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not oversized, "split these modules:\n" + "\n".join(oversized)
