"""Every string a person reads goes through the catalogs, in French and English:

- every msgid of the templates and of the Python sources (`_()`, `gettext()`, `N_()`)
  has a French translation and an English entry, with the same placeholders;
- a template has no text outside `_()` (text nodes and the attributes people read);
- a domain error, a form error or a preflight sentence is never an unmarked literal (it
  must be `N_("...")`, so it reaches the catalogs and is translated where it is shown).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "backoffice"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted_msgids() -> dict[str, str]:
    """msgid -> where it is used, from templates and Python sources alike."""
    found: dict[str, str] = {}
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options_map = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "N_": None}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(SRC), method_map, options_map, keywords=keywords):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalog(lang: str):
    with (SRC / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def msgids() -> dict[str, str]:
    return extracted_msgids()


def test_the_extraction_sees_python_and_templates(msgids) -> None:
    assert "Dashboard" in msgids  # a template
    assert "a rejection needs a reason" in msgids  # a service's N_
    assert "All fonts are embedded." in msgids  # the preflight (a pure core)


def test_every_message_has_a_french_translation(msgids) -> None:
    catalog = _catalog("fr")
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(msgids.items())
               if (m := catalog.get(msgid)) is None or not m.string or m.fuzzy]
    assert not missing, "untranslated in fr/messages.po:\n" + "\n".join(missing)


def test_every_message_has_an_english_entry(msgids) -> None:
    catalog = _catalog("en")
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(msgids.items())
               if catalog.get(msgid) is None]
    assert not missing, "missing in en/messages.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_translations_keep_their_placeholders(lang) -> None:
    wrong = [m.id for m in _catalog(lang) if m.id and m.string and isinstance(m.id, str)
             and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))]
    assert not wrong, wrong


# ---- templates: no text a person reads outside _() -------------------------------------

# Symbols and proper names that read the same in every language.
ALLOWED_TEXT = {"FR", "EN", "×", "—", "›", "‹", "…", "✓", "✗", "→", "·", "pt", "%", "\"",
                "978-…", "/", "(", ")", ":"}
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_READ_ATTRS = re.compile(
    r'\b(placeholder|title|aria-label|alt|data-copied|data-msg-\w+)="([^"]*)"')


def _template_problems(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    problems = []
    for attr, value in _READ_ATTRS.findall(source):
        literal = _JINJA.sub("", value).strip()
        if re.search(r"[A-Za-zÀ-ÿ]{2}", literal) and literal not in ALLOWED_TEXT:
            problems.append(f"{attr}={value!r}")
    text = _TAG.sub("\n", _JINJA.sub("\n", source))
    for chunk in text.split("\n"):
        # Attributes written by a macro outside a tag (aria-invalid="true" ...).
        chunk = re.sub(r'[\w-]+="[^"]*"?', "", chunk).strip()
        if re.fullmatch(r'[\w-]*"', chunk):
            continue
        if chunk and re.search(r"[A-Za-zÀ-ÿ]{2}", chunk) and chunk not in ALLOWED_TEXT:
            problems.append(repr(chunk))
    return problems


def test_templates_have_no_text_outside_the_catalogs() -> None:
    problems = []
    for path in sorted(SRC.glob("**/templates/**/*.html")):
        problems += [f"{path.relative_to(SRC)}: {p}" for p in _template_problems(path)]
    assert not problems, "text not in _():\n" + "\n".join(problems)


# ---- Python: messages for people are marked ---------------------------------------------

MESSAGE_CALLS = {"InvalidInput", "Conflict", "NotFound", "DomainError", "KdpError", "Message",
                 "field"}


def _literal(node: ast.AST) -> bool:
    """A message written out in place: a string or an f-string, not N_(...)."""
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value)


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _unmarked(tree: ast.AST, preflight: bool) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in MESSAGE_CALLS:
            # InvalidInput.field("name", msgid, ...): the message is the second argument.
            args = node.args[1:2] if name == "field" else node.args[:1]
            for arg in args:
                if _literal(arg):
                    lines.append(node.lineno)
                if isinstance(arg, ast.Dict):
                    lines += [node.lineno for value in arg.values if _literal(value)]
        if preflight and name == "add":  # report.add(code, passed, ok, bad, **values)
            lines += [node.lineno for arg in node.args[2:4] if _literal(arg)]
    return lines


def test_messages_for_people_are_marked_for_translation() -> None:
    problems = []
    for path in sorted(SRC.glob("**/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line in _unmarked(tree, preflight=path.name == "preflight.py"):
            problems.append(f"{path.relative_to(SRC)}:{line}")
    assert not problems, "a message not wrapped in N_():\n" + "\n".join(problems)
