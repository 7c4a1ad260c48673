"""Typed dependencies: routes declare these, and never build sessions themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.features.accounts.service import AuthUser
from backoffice.queue import transaction


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's one transaction. Declared with scope="function", so it commits
    after the route returns and *before* the response is sent: a failing commit
    answers an error, never a success that did not happen. Jobs the route enqueued
    are deferred after that commit; a domain error rolls everything back."""
    with transaction(request.app.state.settings) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def require_user(request: Request) -> AuthUser:
    """The signed-in user (set by the accounts middleware, which already refused anyone
    else on protected paths); 401 if a route is reached without one."""
    user: AuthUser | None = getattr(request.state, "user", None)
    if user is None:
        raise HTTPException(401, "not authenticated")
    return user


def require_admin(request: Request) -> AuthUser:
    """For admin-only actions (user management, publishing despite a failed preflight)."""
    user = require_user(request)
    if user.role != "admin":
        raise HTTPException(403, "admins only")
    return user


def actor_name(request: Request) -> str:
    """Who did it, for the history: the signed-in user's email."""
    user: AuthUser | None = getattr(request.state, "user", None)
    return str(user.email) if user is not None else "system"


CurrentUser = Annotated[AuthUser, Depends(require_user)]
AdminUser = Annotated[AuthUser, Depends(require_admin)]
Actor = Annotated[str, Depends(actor_name)]
