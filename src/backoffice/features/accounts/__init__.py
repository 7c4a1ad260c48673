"""Accounts and security: wired into the app by `install`, first run by `announce_setup`."""

from __future__ import annotations

import re
import sys

from fastapi import APIRouter, FastAPI

from backoffice.config import Settings


def routers() -> tuple[APIRouter, ...]:
    from backoffice.features.accounts.routes import api_router, router

    return router, api_router


def install(app: FastAPI, settings: Settings, *,
            upload_paths: re.Pattern[str] | None = None) -> None:
    """`upload_paths`: routes that take files, with the larger BACKOFFICE_MAX_UPLOAD_MB."""
    from backoffice.features.accounts.middleware import (
        AuthMiddleware,
        BodySizeLimitMiddleware,
        SecurityHeadersMiddleware,
    )

    app.state.setup_token_digest = None
    for router in routers():
        app.include_router(router)
    # Added innermost first: the headers wrap every answer, 401/403/413 included.
    app.add_middleware(AuthMiddleware, settings=settings)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,
                       large_paths=upload_paths, large_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware)


def announce_setup(app: FastAPI, settings: Settings) -> None:
    """With no account yet, print a one-time link that creates the first admin. The token
    lives only in this process (as a digest) and dies with it or with its first use."""
    from backoffice.database import session_scope
    from backoffice.features.accounts import security, service

    with session_scope(settings) as session:
        if service.any_user(session):
            app.state.setup_token_digest = None
            return
    token = security.new_token()
    app.state.setup_token_digest = security.digest(token)
    base = getattr(app.state, "public_url", None) or f"http://{settings.host}:{settings.port}"
    print(f"\nNo account exists yet. Create the first admin account (link valid once, until "
          f"the server stops):\n\n    {base}/setup?token={token}\n", file=sys.stdout,
          flush=True)
