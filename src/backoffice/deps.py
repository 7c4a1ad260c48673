"""Typed dependencies: routes declare these, never build sessions themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.database import session_factory
from backoffice.features.accounts.service import AuthUser


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A read-mostly request transaction; routes that must act after the commit (queue a
    job) open their own `session_scope` instead."""
    with session_factory(request.app.state.settings).begin() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


def require_user(request: Request) -> AuthUser:
    """The signed-in user (set by the accounts middleware, which already refused anyone
    else on protected paths); 401 if a route is reached without one."""
    user = getattr(request.state, "user", None)
    if user is None:
        raise HTTPException(401, "not authenticated")
    return user


def require_admin(request: Request) -> AuthUser:
    """For admin-only actions (user management, publishing despite a failed preflight)."""
    user = require_user(request)
    if user.role != "admin":
        raise HTTPException(403, "admins only")
    return user


CurrentUser = Annotated[AuthUser, Depends(require_user)]
AdminUser = Annotated[AuthUser, Depends(require_admin)]
