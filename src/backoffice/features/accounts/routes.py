"""Login, logout, first-run setup, password links, the account page (API tokens) and the
admins' "Utilisateurs" page."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from backoffice.database import session_scope
from backoffice.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from backoffice.errors import Conflict, InvalidInput, NotFound
from backoffice.features.accounts import security, service, sessions
from backoffice.features.accounts.middleware import (
    ANON_CSRF_COOKIE,
    cookie_header,
    session_cookie_name,
)
from backoffice.web.templating import redirect, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["accounts"])


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//evil.example` or `https://...` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _signed_in(request: Request, settings, user: service.AuthUser, target: str) -> Response:
    """Rotate: the old session (if any) dies and a new id is issued."""
    old = request.cookies.get(session_cookie_name(request.scope))
    with session_scope(settings) as session:
        if old:
            sessions.revoke_session(session, old)
        raw, _ = sessions.create_session(
            session, settings, user=user, ip=_client_ip(request),
            user_agent=request.headers.get("user-agent", ""))
    response = redirect(request, target)
    response.headers.append("set-cookie", cookie_header(
        request.scope, session_cookie_name(request.scope), raw,
        settings.session_max_hours * 3600))
    response.headers.append("set-cookie", cookie_header(request.scope, ANON_CSRF_COOKIE, "", 0))
    return response


@router.get("/login", name="login")
def login_page(request: Request, next: str | None = None) -> Response:
    if request.state.user is not None:
        return redirect(request, safe_next(next))
    return render(request, "accounts/login.html", {"next": safe_next(next), "email": "",
                                                   "error": None})


@router.post("/login", name="login_submit")
async def login_submit(request: Request, settings: SettingsDep) -> Response:
    form = await _form(request)
    email, password = form.get("email", ""), form.get("password", "")
    target = safe_next(form.get("next"))

    def attempt() -> service.AuthUser | str:
        # The failure must be committed with the refusal, hence no exception out of the scope.
        with session_scope(settings) as session:
            try:
                return sessions.login(session, settings, email=email, password=password,
                                      ip=_client_ip(request))
            except sessions.LoginRefused as exc:
                return exc.reason

    result = await run_in_threadpool(attempt)
    if isinstance(result, str):
        status = 429 if result == "rate_limited" else 401
        return render(request, "accounts/login.html", {
            "next": target, "email": email[:254], "error": result}, status_code=status)
    return await run_in_threadpool(_signed_in, request, settings, result, target)


@router.post("/logout", name="logout")
def logout(request: Request, settings: SettingsDep) -> Response:
    raw = request.cookies.get(session_cookie_name(request.scope))
    if raw:
        with session_scope(settings) as session:
            sessions.revoke_session(session, raw)
    response = redirect(request, str(request.url_for("login")))
    response.headers.append("set-cookie", cookie_header(
        request.scope, session_cookie_name(request.scope), "", 0))
    return response


def _setup_valid(request: Request, token: str) -> bool:
    expected = getattr(request.app.state, "setup_token_digest", None)
    return bool(expected and token and security.same(security.digest(token), expected))


@router.get("/setup", name="setup")
def setup_page(request: Request, session: SessionDep, token: str = "") -> Response:
    if not _setup_valid(request, token) or service.any_user(session):
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    return render(request, "accounts/setup.html", {"token": token, "email": "", "errors": {}})


@router.post("/setup", name="setup_submit")
async def setup_submit(request: Request, settings: SettingsDep) -> Response:
    form = await _form(request)
    token, email = form.get("token", ""), form.get("email", "")
    if not _setup_valid(request, token):
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    result = _password_pair_errors(form) or await run_in_threadpool(
        _set_password, settings, lambda session: service.create_first_admin(
            session, email=email, password=form.get("password", "")))
    if result is None:
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    if isinstance(result, dict):
        return render(request, "accounts/setup.html", {
            "token": token, "email": email[:254], "errors": result}, status_code=422)
    request.app.state.setup_token_digest = None  # single use, even before the next start
    return await run_in_threadpool(_signed_in, request, settings, result, "/")


def _set_password(settings, act) -> service.AuthUser | dict[str, str] | None:
    """Run a password-setting action (first admin, invitation, reset) in its own
    transaction: the user to sign in, the form's errors, or None when the link or the
    set-up is no longer valid."""
    with session_scope(settings) as session:
        try:
            return service.AuthUser.of(act(session))
        except InvalidInput as exc:
            return exc.errors
        except Conflict:
            return None


def _password_pair_errors(form: dict[str, str]) -> dict[str, str]:
    if form.get("password", "") != form.get("password_confirm", ""):
        return {"password_confirm": "the two passwords differ"}
    return {}


@router.get("/welcome/{token}", name="welcome")
def welcome_page(request: Request, token: str, session: SessionDep) -> Response:
    link = service.valid_link(session, token)
    if link is None:
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    return render(request, "accounts/welcome.html", {
        "token": token, "email": link.user.email, "purpose": link.purpose, "errors": {}})


@router.post("/welcome/{token}", name="welcome_submit")
async def welcome_submit(request: Request, token: str, settings: SettingsDep) -> Response:
    form = await _form(request)
    result = _password_pair_errors(form) or await run_in_threadpool(
        _set_password, settings, lambda session: service.use_link(
            session, raw=token, password=form.get("password", "")))
    if result is None:
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    if isinstance(result, dict):
        def link_details() -> tuple[str, str] | None:
            with session_scope(settings) as session:
                link = service.valid_link(session, token)
                return (link.user.email, link.purpose) if link else None

        details = await run_in_threadpool(link_details)
        if details is None:
            return render(request, "accounts/link_invalid.html", {}, status_code=404)
        return render(request, "accounts/welcome.html", {
            "token": token, "email": details[0], "purpose": details[1], "errors": result},
            status_code=422)
    return await run_in_threadpool(_signed_in, request, settings, result, "/")


def _account_page(request: Request, session, user: service.AuthUser, *, new_token: str = "",
                  errors: dict | None = None, notice: str = "", status_code: int = 200):
    return render(request, "accounts/account.html", {
        "tokens": service.list_api_tokens(session, user.id), "new_token": new_token,
        "errors": errors or {}, "notice": notice}, status_code=status_code)


@router.get("/account", name="account")
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _account_page(request, session, user)


@router.post("/account/tokens", name="create_api_token")
async def create_api_token(request: Request, settings: SettingsDep,
                           user: CurrentUser) -> Response:
    form = await _form(request)

    def create() -> Response:
        with session_scope(settings) as session:
            try:
                _, raw = service.create_api_token(session, user=user, name=form.get("name", ""))
            except InvalidInput as exc:
                return _account_page(request, session, user, errors=exc.errors,
                                     status_code=422)
            # Shown once, now: only its digest is kept.
            return _account_page(request, session, user, new_token=raw, status_code=201)

    return await run_in_threadpool(create)


@router.post("/account/tokens/{token_id}/revoke", name="revoke_api_token")
def revoke_api_token(request: Request, token_id: int, settings: SettingsDep,
                     user: CurrentUser) -> Response:
    with session_scope(settings) as session:
        try:
            service.revoke_api_token(session, user=user, token_id=token_id)
        except NotFound:
            return _account_page(request, session, user, status_code=404)
    return redirect(request, str(request.url_for("account")))


@router.post("/account/password", name="change_password")
async def change_password(request: Request, settings: SettingsDep,
                          user: CurrentUser) -> Response:
    form = await _form(request)
    errors = _password_pair_errors(form)

    def change() -> Response:
        with session_scope(settings) as session:
            if errors:
                return _account_page(request, session, user, errors=errors, status_code=422)
            try:
                service.change_password(session, user_id=user.id,
                                        current=form.get("current_password", ""),
                                        new=form.get("password", ""))
            except InvalidInput as exc:
                return _account_page(request, session, user, errors=exc.errors,
                                     status_code=422)
            return _account_page(request, session, user, notice="password_changed")

    return await run_in_threadpool(change)


def _users_page(request: Request, session, *, link: str = "", link_email: str = "",
                errors: dict | None = None, values: dict | None = None, status_code: int = 200):
    return render(request, "accounts/users.html", {
        "users": service.list_users(session), "events": service.recent_events(session, 30),
        "link": link, "link_email": link_email, "errors": errors or {},
        "values": values or {"role": "editor"}}, status_code=status_code)


@router.get("/users", name="users")
def users_page(request: Request, session: SessionDep, admin: AdminUser) -> Response:
    return _users_page(request, session)


@router.post("/users", name="invite_user")
async def invite_user(request: Request, settings: SettingsDep, admin: AdminUser) -> Response:
    form = await _form(request)
    values = {"email": form.get("email", "")[:254], "role": form.get("role", "")}

    def invite() -> Response:
        with session_scope(settings) as session:
            try:
                user, raw = service.invite(session, email=values["email"], role=values["role"],
                                           actor=admin.email)
            except InvalidInput as exc:
                return _users_page(request, session, errors=exc.errors, values=values,
                                   status_code=422)
            link = str(request.url_for("welcome", token=raw))
            return _users_page(request, session, link=link, link_email=user.email,
                               status_code=201)

    return await run_in_threadpool(invite)


@router.post("/users/{user_id}/{action}", name="user_action")
def user_action(request: Request, user_id: int, action: str, settings: SettingsDep,
                admin: AdminUser) -> Response:
    # Committed before answering: the redirected page must show the change.
    with session_scope(settings) as session:
        try:
            if action == "reset":
                user, raw = service.reset_password(session, user_id=user_id, actor=admin)
                link = str(request.url_for("welcome", token=raw))
                return _users_page(request, session, link=link, link_email=user.email)
            if action not in ("deactivate", "activate"):
                raise NotFound(f"no action {action}")
            service.set_active(session, user_id=user_id, active=action == "activate",
                               actor=admin)
        except NotFound:
            return _users_page(request, session, status_code=404)
        except Conflict as exc:
            return _users_page(request, session, errors={"action": str(exc)},
                               status_code=409)
    return redirect(request, str(request.url_for("users")))


class Me(BaseModel):
    id: int
    email: str
    role: str


@api_router.get("/api/me", response_model=Me)
def api_me(user: CurrentUser) -> Me:
    """The account behind this session or API token."""
    return Me(id=user.id, email=user.email, role=user.role)
