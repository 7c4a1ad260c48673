"""Login, logout, first-run setup, password links, the account page (API tokens) and the
admins' "Utilisateurs" page."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from backoffice.errors import N_, Conflict, InvalidInput, Message
from backoffice.features.accounts import presenters, security, service, sessions
from backoffice.features.accounts.middleware import (
    ANON_CSRF_COOKIE,
    cookie_header,
    session_cookie_name,
)
from backoffice.models import User
from backoffice.web.templating import gettext_for, redirect, render

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


def wait_text(request: Request, seconds: float) -> str:
    _ = gettext_for(request)
    if seconds < 90:
        return _("%(count)s seconds", count=max(1, math.ceil(seconds)))
    return _("%(count)s minutes", count=math.ceil(seconds / 60))


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = ""


class PasswordPair(BaseModel):
    password: str = ""
    password_confirm: str = ""

    def errors(self) -> dict[str, Message]:
        """Every problem at once, so each field shows its own."""
        errors: dict[str, Message] = {}
        problem = security.password_problem(self.password)
        if problem is not None:
            errors["password"] = problem
        if self.password != self.password_confirm:
            errors["password_confirm"] = Message(N_("the two passwords differ"))
        return errors


class SetupForm(PasswordPair):
    token: str = ""
    email: str = ""

    def errors(self) -> dict[str, Message]:
        errors: dict[str, Message] = {}
        try:
            service.normalize_email(self.email)
        except InvalidInput as exc:
            errors.update(exc.messages)
        return {**errors, **super().errors()}


class ChangePasswordForm(PasswordPair):
    current_password: str = ""


class TokenForm(BaseModel):
    name: str = ""


class InviteForm(BaseModel):
    email: str = ""
    role: str = ""


def _signed_in(request: Request, session: Session, settings: Settings, user: service.AuthUser,
               target: str) -> Response:
    """Rotate: the old session (if any) dies and a new id is issued."""
    old = request.cookies.get(session_cookie_name(request.scope))
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
def login_page(request: Request,
               next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    if request.state.user is not None:
        return redirect(request, safe_next(next))
    return render(request, "accounts/login.html", {"next": safe_next(next), "email": "",
                                                   "error": None})


@router.post("/login", name="login_submit")
def login_submit(form: Annotated[LoginForm, Form()], request: Request, session: SessionDep,
                 settings: SettingsDep) -> Response:
    target = safe_next(form.next)
    try:
        user = sessions.login(session, settings, email=form.email, password=form.password,
                              ip=_client_ip(request))
    except sessions.LoginRefused as exc:
        # Answered, not raised (the try was already counted, in its own transaction).
        status, headers = 401, {}
        if exc.reason == "rate_limited":
            status, headers = 429, {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
        return render(request, "accounts/login.html", {
            "next": target, "email": form.email[:254], "error": exc.reason,
            "retry_after": wait_text(request, exc.retry_after)},
            status_code=status, headers=headers)
    return _signed_in(request, session, settings, user, target)


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep) -> Response:
    raw = request.cookies.get(session_cookie_name(request.scope))
    if raw:
        sessions.revoke_session(session, raw)
    response = redirect(request, str(request.url_for("login")))
    response.headers.append("set-cookie", cookie_header(
        request.scope, session_cookie_name(request.scope), "", 0))
    return response


def _setup_valid(request: Request, token: str) -> bool:
    expected = getattr(request.app.state, "setup_token_digest", None)
    return bool(expected and token and security.same(security.digest(token), expected))


@router.get("/setup", name="setup")
def setup_page(request: Request, session: SessionDep,
               token: Annotated[str, Query(max_length=200)] = "") -> Response:
    if not _setup_valid(request, token) or service.any_user(session):
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    return render(request, "accounts/setup.html", {"token": token, "email": "", "errors": {}})


@router.post("/setup", name="setup_submit")
def setup_submit(form: Annotated[SetupForm, Form()], request: Request, session: SessionDep,
                 settings: SettingsDep) -> Response:
    if not _setup_valid(request, form.token):
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    result = form.errors() or _set_password(session, lambda: service.create_first_admin(
        session, email=form.email, password=form.password))
    if result is None:
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    if isinstance(result, dict):
        return render(request, "accounts/setup.html", {
            "token": form.token, "email": form.email[:254],
            "errors": _translated(request, result)}, status_code=422)
    request.app.state.setup_token_digest = None  # single use, even before the next start
    return _signed_in(request, session, settings, result, "/")


def _translated(request: Request, errors: dict[str, Message]) -> dict[str, str]:
    gettext = gettext_for(request)
    return {name: text.translate(gettext) for name, text in errors.items()}


def _set_password(session: Session, act: Callable[[], User]
                  ) -> service.AuthUser | dict[str, Message] | None:
    """Run a password-setting action (first admin, invitation, reset) in a savepoint: the
    user to sign in, the form's errors, or None when the link or the set-up is no longer
    valid (then nothing it did is kept)."""
    try:
        with session.begin_nested():
            return service.AuthUser.of(act())
    except InvalidInput as exc:
        return exc.messages
    except Conflict:
        return None


@router.get("/welcome/{token}", name="welcome")
def welcome_page(request: Request, token: Annotated[str, Path(max_length=200)],
                 session: SessionDep) -> Response:
    link = service.valid_link(session, token)
    if link is None:
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    return render(request, "accounts/welcome.html", {
        "token": token, "email": link.user.email, "purpose": link.purpose, "errors": {}})


@router.post("/welcome/{token}", name="welcome_submit")
def welcome_submit(form: Annotated[PasswordPair, Form()], request: Request,
                   token: Annotated[str, Path(max_length=200)], session: SessionDep,
                   settings: SettingsDep) -> Response:
    result = form.errors() or _set_password(session, lambda: service.use_link(
        session, raw=token, password=form.password))
    if result is None:
        return render(request, "accounts/link_invalid.html", {}, status_code=404)
    if isinstance(result, dict):
        link = service.valid_link(session, token)
        if link is None:
            return render(request, "accounts/link_invalid.html", {}, status_code=404)
        return render(request, "accounts/welcome.html", {
            "token": token, "email": link.user.email, "purpose": link.purpose,
            "errors": _translated(request, result)}, status_code=422)
    return _signed_in(request, session, settings, result, "/")


def _account_page(request: Request, session: Session, user: service.AuthUser, *,
                  new_token: str = "", errors: dict[str, Message] | None = None,
                  notice: str = "", status_code: int = 200) -> Response:
    return render(request, "accounts/account.html", {
        "tokens": service.list_api_tokens(session, user.id), "new_token": new_token,
        "errors": _translated(request, errors or {}), "notice": notice},
        status_code=status_code)


@router.get("/account", name="account")
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _account_page(request, session, user)


@router.post("/account/tokens", name="create_api_token")
def create_api_token(form: Annotated[TokenForm, Form()], request: Request, session: SessionDep,
                     user: CurrentUser) -> Response:
    try:
        _, raw = service.create_api_token(session, user=user, name=form.name)
    except InvalidInput as exc:
        return _account_page(request, session, user, errors=exc.messages, status_code=422)
    # Shown once, now: only its digest is kept.
    return _account_page(request, session, user, new_token=raw, status_code=201)


@router.post("/account/tokens/{token_id}/revoke", name="revoke_api_token")
def revoke_api_token(request: Request, token_id: int, session: SessionDep,
                     user: CurrentUser) -> Response:
    service.revoke_api_token(session, user=user, token_id=token_id)
    return redirect(request, str(request.url_for("account")))


@router.post("/account/password", name="change_password")
def change_password(form: Annotated[ChangePasswordForm, Form()], request: Request,
                    session: SessionDep, user: CurrentUser) -> Response:
    errors = form.errors()
    if not errors:
        try:
            service.change_password(
                session, user_id=user.id, current=form.current_password, new=form.password,
                keep_session=request.cookies.get(session_cookie_name(request.scope)))
        except InvalidInput as exc:
            errors = exc.messages
    if errors:
        return _account_page(request, session, user, errors=errors, status_code=422)
    return _account_page(request, session, user, notice="password_changed")


def _users_page(request: Request, session: Session, *, link: str = "", link_email: str = "",
                errors: dict[str, Message] | None = None,
                values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    gettext = gettext_for(request)
    return render(request, "accounts/users.html", {
        "users": service.list_users(session),
        "events": [presenters.event_row(gettext, event)
                   for event in service.recent_events(session, 30)],
        "link": link, "link_email": link_email, "errors": _translated(request, errors or {}),
        "values": values or {"role": "editor"}}, status_code=status_code)


@router.get("/users", name="users")
def users_page(request: Request, session: SessionDep, admin: AdminUser) -> Response:
    return _users_page(request, session)


@router.post("/users", name="invite_user")
def invite_user(form: Annotated[InviteForm, Form()], request: Request, session: SessionDep,
                admin: AdminUser) -> Response:
    values = {"email": form.email[:254], "role": form.role}
    try:
        user, raw = service.invite(session, email=values["email"], role=values["role"],
                                   actor=admin.email)
    except InvalidInput as exc:
        return _users_page(request, session, errors=exc.messages, values=values,
                           status_code=422)
    link = str(request.url_for("welcome", token=raw))
    return _users_page(request, session, link=link, link_email=user.email, status_code=201)


@router.post("/users/{user_id}/{action}", name="user_action")
def user_action(request: Request, user_id: int,
                action: Literal["reset", "deactivate", "activate"], session: SessionDep,
                admin: AdminUser) -> Response:
    try:
        if action == "reset":
            user, raw = service.reset_password(session, user_id=user_id, actor=admin)
            link = str(request.url_for("welcome", token=raw))
            return _users_page(request, session, link=link, link_email=user.email)
        service.set_active(session, user_id=user_id, active=action == "activate", actor=admin)
    except Conflict as exc:
        # Shown on the page it came from, above the table (nothing was changed).
        return _users_page(request, session, errors={"action": exc.message}, status_code=409)
    return redirect(request, str(request.url_for("users")))


class Me(BaseModel):
    id: int
    email: str
    role: str


@api_router.get("/api/me", response_model=Me)
def api_me(user: CurrentUser) -> Me:
    """The account behind this session or API token."""
    return Me(id=user.id, email=user.email, role=user.role)
