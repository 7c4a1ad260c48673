"""Every message of every template has a French translation (French is the default UI)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "backoffice"


def _template_msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    method_map = [("**/templates/**.html", "jinja2")]
    options_map = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(SRC), method_map, options_map, keywords={"_": None, "gettext": None}):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalog(lang: str):
    with (SRC / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def test_every_template_message_has_a_french_translation() -> None:
    catalog = _catalog("fr")
    missing = []
    for msgid, where in sorted(_template_msgids().items()):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated in fr/messages.po:\n" + "\n".join(missing)


def test_french_translations_keep_their_placeholders() -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = [m.id for m in _catalog("fr") if m.id and m.string and isinstance(m.id, str)
             and set(placeholder.findall(m.id)) != set(placeholder.findall(m.string))]
    assert not wrong, wrong
