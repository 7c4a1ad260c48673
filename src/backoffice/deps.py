"""Typed dependencies: routes declare these, never build sessions themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.database import session_factory


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A read-mostly request transaction; routes that must act after the commit (queue a
    job) open their own `session_scope` instead."""
    with session_factory(request.app.state.settings).begin() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
