"""Every route's auth requirement, walked from app.routes: a route added later without
protection, or a public path added without updating PUBLIC here, fails this test."""

from __future__ import annotations

import re

from starlette.routing import Mount, Route

# The whole public surface. Everything else: 303 to /login for pages, 401 for /api/*.
PUBLIC = {
    ("GET", "/healthz"), ("GET", "/readyz"),
    ("GET", "/login"), ("POST", "/login"),
    ("GET", "/setup"), ("POST", "/setup"),
    ("GET", "/welcome/{token}"), ("POST", "/welcome/{token}"),
    ("POST", "/language"),
}
PUBLIC_MOUNTS = {"/static"}


def _served(app):
    """The app's own routes and mounts, and every route of the routers it includes (from
    their public `.routes`, so no FastAPI internals are walked)."""
    from backoffice.features import accounts
    from backoffice.main import ROUTERS

    yield from (route for route in app.routes if isinstance(route, (Route, Mount)))
    for router in (*ROUTERS, *accounts.routers()):
        yield from router.routes


def _endpoints(app) -> list[tuple[str, str]]:
    found = []
    for route in _served(app):
        if isinstance(route, Mount):
            assert route.path in PUBLIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            found.append((method, route.path))
    return found


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_refuses_anonymous_requests_except_the_allow_list(app, anon_client):
    endpoints = _endpoints(app)
    assert len(endpoints) > 15 and set(endpoints) >= PUBLIC
    for method, path in endpoints:
        response = anon_client.request(method, _concrete(path), follow_redirects=False)
        label = f"{method} {path} -> {response.status_code}"
        if (method, path) in PUBLIC:
            assert response.status_code not in (401, 303) or (
                response.headers.get("location", "").startswith("/")
                and not response.headers.get("location", "").startswith("/login")), label
        elif path.startswith("/api/") or path == "/openapi.json":
            assert response.status_code == 401, label
            assert response.json() == {"detail": "not authenticated"}, label
        else:
            assert response.status_code == 303, label
            assert response.headers["location"].startswith("/login?next="), label


def test_unknown_paths_do_not_reveal_themselves(anon_client):
    assert anon_client.get("/no/such/page", follow_redirects=False).status_code == 303
    assert anon_client.get("/api/no/such", follow_redirects=False).status_code == 401


def test_static_files_and_probes_are_public(anon_client):
    assert anon_client.get("/static/css/app.css").status_code == 200
    assert anon_client.get("/healthz").status_code == 200


def test_no_test_or_reset_endpoints(app):
    for _, path in _endpoints(app):
        assert not re.search(r"__test__|/test|/reset|/debug", path), path


def test_htmx_requests_are_asked_to_navigate_to_login(anon_client):
    response = anon_client.get("/ebooks/1/progress", headers={"HX-Request": "true"},
                               follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=%2Febooks%2F1%2Fprogress")


def test_login_redirect_keeps_the_page_and_refuses_foreign_targets(client, anon_client):
    response = anon_client.get("/ebooks/new?x=1", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Febooks%2Fnew%3Fx%3D1"
    from backoffice.features.accounts.routes import safe_next

    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example", "", None):
        assert safe_next(target) == "/"
    assert safe_next("/ebooks/3?tab=pages") == "/ebooks/3?tab=pages"
