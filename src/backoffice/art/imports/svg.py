"""SVG: refuse what could reach outside the file or run code, then render what is left.

Rendering is resvg's (Rust, through the resvg-py wheel): a static renderer with no
scripting engine and no network code at all, so a script cannot run and a URL cannot be
fetched whatever the file says. It would still read local files named by `href`, hence the
check before it: the document must be self-contained. The check parses with expat and
refuses any DOCTYPE (no entities, no external DTD), processing instruction (no
xml-stylesheet), script, foreignObject or event handler, and any reference that is not
`#local` or an embedded `data:image/png|jpeg|gif|webp` picture. Text is drawn with the
bundled DejaVu fonts only, so the output does not depend on the machine's fonts.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from pathlib import Path
from xml.parsers import expat

from PIL import Image

from backoffice.art.imports.errors import (
    SVG_ENTITIES,
    SVG_EXTERNAL,
    SVG_SCRIPT,
    SVG_UNREADABLE,
    BadFile,
)

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
MAX_ELEMENTS = 200_000
_REFUSED_ELEMENTS = {"script", "foreignobject", "handler", "listener", "include", "iframe",
                     "embed", "object", "audio", "video"}
_EMBEDDED = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)


def _local_name(name: str) -> str:
    # expat with namespaces gives "uri name"; without, "prefix:name".
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "…"


def _check_reference(value: str, max_pixels: int) -> None:
    value = value.strip()
    if not value or value.startswith("#"):
        return
    match = _EMBEDDED.match(value)
    if match is None:
        raise BadFile(SVG_EXTERNAL, reference=_short(value))
    # An embedded picture is decoded by the renderer: the same size limit as any image.
    try:
        picture = base64.b64decode(value[match.end():], validate=False)
        with Image.open(io.BytesIO(picture)) as image:
            width, height = image.size
    except (binascii.Error, ValueError, OSError, SyntaxError):
        raise BadFile(SVG_UNREADABLE, detail="embedded picture") from None
    if width * height > max_pixels:
        raise BadFile(SVG_UNREADABLE, detail="embedded picture too large")


def _check_css(text: str, max_pixels: int) -> None:
    if "@import" in text.lower():
        raise BadFile(SVG_EXTERNAL, reference="@import")
    for _quote, target in _CSS_URL.findall(text):
        _check_reference(target, max_pixels)


def check_svg(data: bytes, *, max_pixels: int) -> str:
    """The document as text, once it is known to be self-contained and script-free."""
    parser = expat.ParserCreate(namespace_separator=" ")
    count = 0
    in_style = [False]

    def refuse_doctype(*_args: object) -> None:
        raise BadFile(SVG_ENTITIES)

    def refuse_pi(target: str, _data: str) -> None:
        raise BadFile(SVG_EXTERNAL, reference=f"<?{_short(target)}?>")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            raise BadFile(SVG_UNREADABLE, detail=f"more than {MAX_ELEMENTS} elements")
        tag = _local_name(name)
        if tag in _REFUSED_ELEMENTS:
            raise BadFile(SVG_SCRIPT, what=f"<{tag}>")
        in_style[0] = tag == "style"
        for key, value in attributes.items():
            attribute = _local_name(key)
            if attribute.startswith("on"):
                raise BadFile(SVG_SCRIPT, what=attribute)
            if attribute in ("href", "src"):
                _check_reference(value, max_pixels)
            elif "url(" in value.lower() or attribute == "style":
                _check_css(value, max_pixels)

    def text(data_: str) -> None:
        if in_style[0]:
            _check_css(data_, max_pixels)

    def end(_name: str) -> None:
        in_style[0] = False

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.ProcessingInstructionHandler = refuse_pi
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BadFile(SVG_UNREADABLE, detail=expat.errors.messages.get(exc.code, str(exc))
                      .rstrip(".")) from None
    if count == 0:
        raise BadFile(SVG_UNREADABLE, detail="no element")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # expat read it with its declared encoding; the renderer wants text.
        return data.decode("latin-1")


def render_svg(document: str, box: tuple[int, int]) -> Image.Image:
    """The drawing fitted inside `box` (proportions kept), on white, mode RGB."""
    import resvg_py

    fonts = [str(path) for path in sorted(FONTS_DIR.glob("*.ttf"))]
    try:
        png = resvg_py.svg_to_bytes(svg_string=document, width=box[0], height=box[1],
                                    background="white", skip_system_fonts=True,
                                    font_files=fonts, font_family="DejaVu Sans",
                                    sans_serif_family="DejaVu Sans",
                                    serif_family="DejaVu Sans")
    except (ValueError, RuntimeError, OSError) as exc:
        raise BadFile(SVG_UNREADABLE, detail=_short(str(exc))) from None
    image = Image.open(io.BytesIO(bytes(png)))
    image.load()
    return image.convert("RGB")
