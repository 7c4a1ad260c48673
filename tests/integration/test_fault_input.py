"""Input no route can use gets a 4xx naming the field, never a 500 and never an echo of
the whole input (issue 18): non-finite numbers and broken Unicode in JSON, every path and
query parameter of every route pushed past its bound, NUL bytes in forms."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

HUGE_INT = str(10**30)
LONG = "x" * 400


@pytest.mark.parametrize("raw, field", [
    ('{"author":"a","theme":"mandalas","seed":NaN}', "seed"),
    ('{"author":"a","theme":"mandalas","seed":Infinity}', "seed"),
    ('{"author":"a","theme":"mandalas","seed":-Infinity}', "seed"),
    ('{"author":"a","theme":"mandalas","seed":1e400}', "seed"),
    ('{"author":"\\ud800","theme":"mandalas"}', "author"),
    ('{"author":"a\\u0000b","theme":"mandalas"}', "author"),
])
def test_json_a_route_cannot_use_gets_422_naming_the_field(client, raw, field) -> None:
    response = client.post("/api/ebooks", content=raw,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert client.get("/api/ebooks").json()["total"] == 0  # nothing was created


def test_a_json_decode_error_quotes_nothing_back(client) -> None:
    secret = "s3cr3t-" * 2000
    response = client.post("/api/ebooks", content='{"title": "' + secret,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "s3cr3t" not in response.text and len(response.content) < 1000


def test_a_long_value_is_quoted_as_an_excerpt(client) -> None:
    title = "T" * 100_000
    response = client.post("/api/ebooks", json={"author": "a", "theme": "mandalas",
                                                "title": title})
    assert response.status_code == 422
    assert len(response.content) < 2000 and "T" * 81 not in response.text


def test_a_nul_byte_in_a_form_names_the_field(client) -> None:
    response = client.post("/account/tokens", data={"name": "a\x00b"})
    assert response.status_code == 422
    # French by default, the field by its label ("name" is the token's name).
    assert "\x00" not in response.text and "Nom du jeton :" in response.text
    api = client.post("/api/ebooks/1/reject", json={"reason": "a\x00b"})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "reason"]


def _sample(param, oversized: bool) -> str:
    annotation = str(param.field_info.annotation)
    if "int" in annotation:
        return HUGE_INT if oversized else "1"
    return LONG if oversized else "x"


def _routes(routes):
    """Every APIRoute, including those of included routers (none has a prefix here)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)


def test_every_path_and_query_parameter_has_a_bound(client, app) -> None:
    """Each route, each parameter past any sane size (a 400-character string, a 31-digit
    integer): a 4xx, never a 500. /ebooks/preview/<300+ chars>.png used to 500."""
    failures = []
    checked = 0
    for route in _routes(app.routes):
        path_params = route.dependant.path_params
        query_params = route.dependant.query_params
        for target in [*path_params, *query_params]:
            path = route.path_format
            for param in path_params:
                path = path.replace("{" + param.name + "}",
                                    _sample(param, param is target))
            query = ({target.name: _sample(target, True)} if target in query_params else {})
            for method in sorted(route.methods - {"HEAD"}):
                response = client.request(method, path, params=query)
                checked += 1
                if response.status_code >= 500 or len(response.content) > 20_000 and \
                        LONG in response.text:
                    failures.append(f"{method} {path[:60]} {query and target.name}: "
                                    f"{response.status_code}")
    assert checked > 40
    assert not failures, failures
    preview = client.get("/ebooks/preview/" + "a" * 300 + ".png")
    assert 400 <= preview.status_code < 500


def test_every_text_parameter_declares_its_bound(app) -> None:
    """Text parameters say their size (max_length, a pattern or a fixed choice); integers
    are bounded by the database (a 422 above) and the whole URL by the body guard."""
    unbounded = []
    for route in _routes(app.routes):
        for param in [*route.dependant.path_params, *route.dependant.query_params]:
            annotation = str(param.field_info.annotation)
            if "str" not in annotation or "Literal" in annotation:
                continue
            bounds = [m for m in param.field_info.metadata
                      if hasattr(m, "max_length") or getattr(m, "pattern", None)]
            if not bounds:
                unbounded.append(f"{route.path} {param.name}")
    assert not unbounded, unbounded


def test_an_overlong_url_gets_414(client) -> None:
    assert client.get("/ebooks/" + "1" * 3000).status_code == 414
    assert client.get("/", params={"q": "x" * 9000}).status_code == 414
