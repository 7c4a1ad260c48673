"""Read-back helpers for preflight: placed images with their effective resolution, fonts,
fill colours, and low-resolution ink masks rendered with pdfium."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pikepdf
import pypdfium2 as pdfium

PT = 72.0
_EMBEDDED_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class PlacedImage:
    page: int
    name: str
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float
    bits: int
    colorspace: str
    is_mask: bool

    @property
    def ppi(self) -> float:
        return min(self.width_px / (self.width_pt / PT), self.height_px / (self.height_pt / PT))

    @property
    def one_bit(self) -> bool:
        return self.is_mask or (self.bits == 1 and self.colorspace in ("/DeviceGray", ""))


def _mul(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# A colour-setting operator and its numeric operands, e.g. ("rg", [1.0, 0.0, 0.0]).
Color = tuple[str, list[float]]


def _walk(obj: pikepdf.Object | pikepdf.Page, resources: pikepdf.Object | None,
          ctm: list[float], page: int, depth: int = 0
          ) -> Iterator[tuple[str, PlacedImage | Color]]:
    """Yield ("image", PlacedImage) and ("color", (operator, operands)) from a content
    stream, following Form XObjects."""
    stack: list[list[float]] = []
    no_xobjects: dict[str, pikepdf.Object] = {}
    xobjects = resources.get("/XObject", no_xobjects) if resources is not None else no_xobjects
    for instruction in pikepdf.parse_content_stream(obj):
        operands, operator = instruction.operands, instruction.operator
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _mul([float(v) for v in operands], ctm)
        elif op in ("g", "G", "rg", "RG", "k", "K", "sc", "SC", "scn", "SCN"):
            yield "color", (op, [n for n in map(_number, operands) if n is not None])
        elif op == "Do":
            xobj = xobjects.get(str(operands[0]))
            if xobj is None:
                continue
            if xobj.get("/Subtype") == "/Image":
                cs = xobj.get("/ColorSpace")
                yield "image", PlacedImage(
                    page=page, name=str(operands[0]), width_px=int(xobj.Width),
                    height_px=int(xobj.Height),
                    width_pt=max(math.hypot(ctm[0], ctm[1]), 1e-6),
                    height_pt=max(math.hypot(ctm[2], ctm[3]), 1e-6),
                    bits=int(xobj.get("/BitsPerComponent", 1)),
                    colorspace=str(cs) if isinstance(cs, pikepdf.Name) else
                    (str(cs[0]) if cs is not None else ""),
                    is_mask=bool(xobj.get("/ImageMask", False)),
                )
            elif xobj.get("/Subtype") == "/Form" and depth < 8:
                matrix = [float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                yield from _walk(xobj, xobj.get("/Resources"), _mul(matrix, ctm), page,
                                 depth + 1)


def page_items(doc: pikepdf.Pdf) -> Iterator[tuple[int, str, PlacedImage | Color]]:
    for number, page in enumerate(doc.pages, start=1):
        for kind, item in _walk(page, page.obj.get("/Resources"), [1, 0, 0, 1, 0, 0], number):
            yield number, kind, item


def unembedded_fonts(doc: pikepdf.Pdf) -> list[str]:
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def visit(resources: pikepdf.Object | None, depth: int = 0) -> None:
        if resources is None or depth > 8:
            return
        for font in resources.get("/Font", {}).values():
            if font.objgen in seen and font.objgen != (0, 0):
                continue
            seen.add(font.objgen)
            if font.get("/Subtype") == "/Type3":
                continue
            target = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor for k in _EMBEDDED_KEYS):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        for xobj in resources.get("/XObject", {}).values():
            if xobj.get("/Subtype") == "/Form":
                visit(xobj.get("/Resources"), depth + 1)

    for page in doc.pages:
        visit(page.obj.get("/Resources"))
    return sorted(missing)


def box(page: pikepdf.Page, name: str) -> list[float] | None:
    value = page.obj.get(name)
    return [float(v) for v in value] if value is not None else None


def boxes_equal(a: list[float] | None, b: list[float], tol: float = 0.5) -> bool:
    return a is not None and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def page_fingerprint(page: pikepdf.Page) -> str:
    """Same content and same images means the same rendering: render it once."""
    digest = hashlib.sha1(usedforsecurity=False)
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for stream in streams:
        if stream is not None:
            digest.update(stream.read_bytes())
    no_objects: dict[str, pikepdf.Object] = {}
    resources = page.obj.get("/Resources", no_objects)
    for name, xobj in resources.get("/XObject", no_objects).items():
        digest.update(f"{name}{xobj.objgen}".encode())
    return digest.hexdigest()


def ink_masks(path: str, dpi: float, pages: list[int] | None = None
              ) -> Iterator[tuple[int, np.ndarray]]:
    """(page number, bool array True where darker than light gray) at `dpi`, one page at a
    time: callers keep what they measure, not the masks (a 590-page book's would be 70 MB)."""
    doc = pdfium.PdfDocument(path)
    try:
        for number in pages or range(1, len(doc) + 1):
            page = doc[number - 1]
            try:
                bitmap = page.render(scale=dpi / PT, grayscale=True)
                mask = bitmap.to_numpy().reshape(bitmap.height, bitmap.width, -1)[..., 0] < 192
                bitmap.close()
            finally:
                page.close()
            yield number, mask
    finally:
        doc.close()


def render_region(path: str, page: int, dpi: float, crop_pt: tuple[float, float, float, float]
                  ) -> np.ndarray:
    """RGB pixels of a region; crop_pt = (left, bottom, right, top) amounts cut off, in pt."""
    doc = pdfium.PdfDocument(path)
    try:
        bitmap = doc[page - 1].render(scale=dpi / PT, crop=crop_pt)
        return np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        doc.close()
