"""Templates, language choice and small response helpers shared by the HTML features."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from backoffice.web import i18n
from backoffice.web.urls import url_for

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LANG_COOKIE = "lang"

_env = Environment(
    loader=ChoiceLoader([FileSystemLoader(str(p)) for p in sorted(PACKAGE_DIR.glob(
        "*/**/templates"))]),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the package: compiled once per process, not stat()ed on every
    # render (7% of a dashboard request's time). Restart the server after editing one.
    auto_reload=False,
)


def register_global(name: str, value: Any) -> None:
    """Lets a feature offer a helper to every template (e.g. export's rule labels)."""
    _env.globals[name] = value


def request_language(request: Request) -> str:
    settings = request.app.state.settings
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in i18n.LANGUAGES:
        return cookie
    return i18n.negotiate(request.headers.get("accept-language"), settings.language)


def gettext_for(request: Request):
    return _formatting_gettext(i18n.translations(request_language(request)))


def _formatting_gettext(translations):
    """`_("by %(author)s", author=x)`: the whole result is then autoescaped, so untrusted
    values stay text."""

    def gettext(message: str, **values: object) -> str:
        translated = translations.gettext(message)
        return translated % values if values else translated

    return gettext


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    lang = request_language(request)
    translations = i18n.translations(lang)
    template_obj = _env.get_template(template)
    gettext = _formatting_gettext(translations)
    # Set by the accounts middleware: every form and HTMX request carries the token.
    token = getattr(request.state, "csrf_token", "")
    html = template_obj.render(
        request=request, lang=lang, _=gettext, gettext=gettext,
        ngettext=translations.ngettext, url_for=partial(url_for, request),
        csrf_token=lambda: token,
        csrf_input=lambda: Markup('<input type="hidden" name="csrf_token" value="%s">')
        % escape(token),
        current_user=getattr(request.state, "user", None),
        **(context or {}),
    )
    return HTMLResponse(html, status_code=status_code, headers=headers)


def redirect(request: Request, url: str) -> Response:
    """HX-Redirect for HTMX requests (a 303 would be swapped in place), 303 otherwise."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
