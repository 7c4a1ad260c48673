"""URLs of named routes, looked up once per name and parameters.

FastAPI finds a route by name by asking every route in turn, each refusal an exception:
at ~100 routes that was a third of a dashboard page's CPU (its rows link to covers, books
and actions). The paths do not depend on the request, so they are cached per router; the
request only supplies the scheme, host and root path, as with `request.url_for`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URL, URLPath
from starlette.requests import Request

MAX_CACHED = 8192  # per router; cleared when full (a page's links are a few dozen)

_paths: dict[tuple[int, str, tuple[tuple[str, Any], ...]], URLPath] = {}


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """`request.url_for`, with the route lookup cached."""
    # As Starlette does: the router once routing has begun, the app before (a page that
    # a middleware renders).
    provider = request.scope.get("router") or request.scope["app"]
    key = (id(provider), name, tuple(sorted(path_params.items())))
    path = _paths.get(key)
    if path is None:
        path = provider.url_path_for(name, **path_params)
        if len(_paths) >= MAX_CACHED:
            _paths.clear()
        _paths[key] = path
    return path.make_absolute_url(base_url=request.base_url)
