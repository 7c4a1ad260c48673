"""Append catalog entries at the END of both .po files (they are union-merged, so entries
are never reordered): `python scripts/append_translations.py entries.json`, where the
JSON maps each English msgid to its French translation. English gets the msgid itself.
Entries already present in a catalog are skipped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "backoffice" / "locale"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def append(entries: dict[str, str]) -> None:
    for lang in ("fr", "en"):
        path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            known = {m.id for m in read_po(handle, locale=lang) if m.id}
        blocks = [f"msgid {_quote(msgid)}\nmsgstr {_quote(fr if lang == 'fr' else msgid)}\n"
                  for msgid, fr in entries.items() if msgid not in known]
        if blocks:
            text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
            path.write_text(text + "\n".join(blocks), encoding="utf-8")
        print(f"{lang}: {len(blocks)} appended")


if __name__ == "__main__":
    append(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
