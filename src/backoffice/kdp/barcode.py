"""ISBN-13 validation and EAN-13 ("Bookland") symbol encoding and decoding.

Encoding is small enough to own; decoding exists so preflight and the tests can prove the
printed bars scan back to the same number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011")
_R = tuple("".join("1" if b == "0" else "0" for b in code) for code in _L)
_G = tuple(code[::-1] for code in _R)
# Parity of the six left digits encodes the first digit, which has no bars of its own.
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
START = END = "101"
CENTER = "01010"
MODULES = 95


def check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def validate_isbn13(value: str) -> str:
    """The 13 digits of a valid ISBN-13, or ValueError saying what is wrong."""
    raw = (value or "").strip()
    digits = re.sub(r"^ISBN(-13)?:?\s*", "", raw, flags=re.IGNORECASE)
    digits = re.sub(r"[\s-]", "", digits)
    if not digits:
        raise ValueError("ISBN is empty: leave it blank or give the 13 digits of an ISBN-13")
    if not digits.isdigit():
        raise ValueError(f"ISBN {raw!r} contains characters other than digits and hyphens")
    if len(digits) != 13:
        raise ValueError(f"ISBN {raw!r} has {len(digits)} digits; an ISBN-13 has 13")
    if not digits.startswith(("978", "979")):
        raise ValueError(f"ISBN {raw!r} must start with 978 or 979")
    expected = check_digit(digits[:12])
    if int(digits[12]) != expected:
        raise ValueError(
            f"ISBN {raw!r} has check digit {digits[12]}, but its first 12 digits give "
            f"{expected}: the number is mistyped"
        )
    return digits


def ean13_modules(digits: str) -> str:
    """95 characters, '1' for a dark module, guard bars included."""
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError("EAN-13 needs 13 digits")
    parity = _PARITY[int(digits[0])]
    left = "".join((_L if p == "L" else _G)[int(d)] for p, d in zip(parity, digits[1:7],
                                                                     strict=True))
    right = "".join(_R[int(d)] for d in digits[7:])
    return START + left + CENTER + right + END


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(first module, width in modules) of each dark bar."""
    runs: list[tuple[int, int]] = []
    for match in re.finditer("1+", modules):
        runs.append((match.start(), match.end() - match.start()))
    return runs


def decode_ean13(dark: Sequence[bool]) -> str | None:
    """Read one scan line (True = dark pixel); None when it is not a valid EAN-13."""
    first = next((i for i, v in enumerate(dark) if v), None)
    if first is None:
        return None
    last = len(dark) - next(i for i, v in enumerate(reversed(dark)) if v)
    module = (last - first) / MODULES
    if module < 1.5:
        return None
    bits = "".join(
        "1" if dark[int(first + (i + 0.5) * module)] else "0" for i in range(MODULES)
    )
    if bits[:3] != START or bits[45:50] != CENTER or bits[-3:] != END:
        return None
    left, right = bits[3:45], bits[50:92]
    digits, parity = "", ""
    for k in range(6):
        code = left[k * 7:(k + 1) * 7]
        if code in _L:
            digits, parity = digits + str(_L.index(code)), parity + "L"
        elif code in _G:
            digits, parity = digits + str(_G.index(code)), parity + "G"
        else:
            return None
    for k in range(6):
        code = right[k * 7:(k + 1) * 7]
        if code not in _R:
            return None
        digits += str(_R.index(code))
    if parity not in _PARITY:
        return None
    digits = str(_PARITY.index(parity)) + digits
    return digits if check_digit(digits[:12]) == int(digits[12]) else None
