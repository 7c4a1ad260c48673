"""The request-body checks that run before any parser: field counts, the CSRF token found
by a scan, and the JSON no route should see (issue 18)."""

from __future__ import annotations

import json

import pytest

from backoffice.web.body_guard import csrf_token_in, field_count, is_json, json_problem

FORM = "application/x-www-form-urlencoded"
TOKEN = "aB3-_x" * 7


def test_fields_are_counted_without_parsing() -> None:
    assert field_count(b"", FORM) == 0
    assert field_count(b"a=1", FORM) == 1
    assert field_count(b"a=b&" * 1000, FORM) == 1001
    boundary = "Ab9"
    part = f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n"
    body = (part * 3 + f"--{boundary}--\r\n").encode()
    # The closing delimiter counts too: a bound, not an exact figure.
    assert field_count(body, f"multipart/form-data; boundary={boundary}") == 4
    assert field_count(body, f"multipart/form-data; boundary={boundary.lower()}") == 0


@pytest.mark.parametrize("body, expected", [
    (f"csrf_token={TOKEN}".encode(), TOKEN),
    (f"a=1&csrf_token={TOKEN}&b=2".encode(), TOKEN),
    (f"xcsrf_token={TOKEN}".encode(), ""),  # another field's name ends with it
    (b"csrf_token=%3Cscript%3E", ""),
    (f"csrf_token={TOKEN}&csrf_token=other".encode(), TOKEN),  # the first, as parse_qs
])
def test_the_form_token_is_found_by_a_scan(body: bytes, expected: str) -> None:
    assert csrf_token_in(body, FORM) == expected


def test_the_multipart_token_is_found_around_its_field() -> None:
    boundary = "----WebKitFormBoundary7MA4YWxk"
    big = b"\x89PNG" + b"\x00" * 500_000

    def part(name: str, value: bytes, filename: str = "") -> bytes:
        extra = f'; filename="{filename}"\r\nContent-Type: image/png' if filename else ""
        return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}"
                f"\r\n\r\n").encode() + value + b"\r\n"

    body = (part("image", big, "a.png") + part("title", b'name="csrf_token"')
            + part("csrf_token", TOKEN.encode()) + f"--{boundary}--\r\n".encode())
    content_type = f"multipart/form-data; boundary={boundary}"
    assert csrf_token_in(body, content_type) == TOKEN
    assert csrf_token_in(body.replace(TOKEN.encode(), b"<bad>"), content_type) == ""


@pytest.mark.parametrize("raw, loc", [
    (b'{"author":"a","theme":"mandalas","seed":NaN}', ["body", "seed"]),
    (b'{"seed":Infinity}', ["body", "seed"]),
    (b'{"seed":-Infinity}', ["body", "seed"]),
    (b'{"seed":1e400}', ["body", "seed"]),
    (b'{"overrides":[{"prompt":"ok"},{"prompt":"\\ud800"}]}', ["body", "overrides", 1,
                                                               "prompt"]),
    (b'{"title":"a\\u0000b"}', ["body", "title"]),
    (b'{"\\udfff":1}', ["body", "?"]),
])
def test_json_no_route_can_use_is_refused_with_its_place(raw: bytes, loc: list) -> None:
    found = json_problem(raw)
    assert found is not None and found.loc == loc, found


def test_invalid_json_is_refused_without_echoing_it() -> None:
    huge = b'{"title": "' + b"x" * 100_000 + b'"'
    found = json_problem(huge)
    assert found is not None and len(found.detail) < 200
    deep = b"[" * 100_000 + b"]" * 100_000
    assert json_problem(deep) is not None  # RecursionError, not a crash
    assert json_problem(b'{"n": ' + b"9" * 5000 + b"}") is not None  # int digit limit
    assert json_problem(b'{"t": "\xff"}') is not None  # not UTF-8


def test_plain_json_passes() -> None:
    document = {"title": "Jardin secret é 🌸", "seed": 2**53 - 1, "ratio": 1.5,
                "pages": [1, 2, 3], "nested": {"ok": None, "flag": True}}
    assert json_problem(json.dumps(document).encode()) is None


def test_json_content_types() -> None:
    assert is_json("") and is_json("application/json; charset=utf-8")
    assert is_json("Application/JSON") and is_json("application/problem+json")
    assert not is_json("application/x-www-form-urlencoded") and not is_json("text/plain")
