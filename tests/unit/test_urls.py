"""The cached route lookup gives exactly what `request.url_for` gives, behind a proxy's
root path too, on the first call and from the cache."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from backoffice.web.urls import url_for


@pytest.fixture(scope="module")
def app():
    from backoffice.config import Settings
    from backoffice.main import create_app

    return create_app(Settings(_env_file=None))


def _request(app, root_path: str, host: str, routed: bool) -> Request:
    scope = {"type": "http", "app": app, "scheme": "https", "server": (host, 443),
             "path": "/", "root_path": root_path, "headers": [(b"host", host.encode())],
             "query_string": b""}
    if routed:  # a middleware rendering a page sees no router yet
        scope["router"] = app.router
    return Request(scope)


@pytest.mark.parametrize("routed", [True, False])
@pytest.mark.parametrize("root_path", ["", "/backoffice"])
def test_cached_urls_match_starlette(app, root_path: str, routed: bool) -> None:
    calls = [("dashboard", {}), ("ebook_detail", {"ebook_id": 7}),
             ("page_image", {"ebook_id": 7, "page_id": 12}), ("static", {"path": "app.css"})]
    for host in ("a.example", "b.example"):  # the host is the request's, never cached
        request = _request(app, root_path, host, routed)
        for _ in range(2):
            for name, params in calls:
                assert str(url_for(request, name, **params)) == str(
                    request.url_for(name, **params))
