"""The web application: routers, static files, lifespan (config checks, in-process worker)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from backoffice.config import Settings, get_settings
from backoffice.database import dispose_engines, session_scope
from backoffice.features import accounts
from backoffice.features.book.routes import router as book_router
from backoffice.features.creation.routes import router as creation_router
from backoffice.features.dashboard.routes import router as dashboard_router
from backoffice.features.export.routes import router as export_router
from backoffice.features.generation.routes import router as generation_router
from backoffice.features.lifecycle.routes import router as lifecycle_router
from backoffice.features.listing.routes import router as listing_router
from backoffice.features.regeneration.routes import router as regeneration_router
from backoffice.features.uploads import UPLOAD_PATHS
from backoffice.features.uploads.routes import router as uploads_router
from backoffice.web import error_handlers
from backoffice.web.language import router as language_router

logger = logging.getLogger(__name__)
# Every feature's routes, in matching order: /ebooks/new, /ebooks/preview, /ebooks/stats
# and /ebooks/import before the book's /ebooks/{ebook_id}. The accounts' routers come with
# accounts.install.
ROUTERS: tuple[APIRouter, ...] = (
    uploads_router, creation_router, dashboard_router, book_router, generation_router,
    export_router, listing_router, lifecycle_router, regeneration_router, language_router)
STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"
SWAGGER_UI = "swagger-ui-5.35.0"


def check_configuration(settings: Settings) -> None:
    """Fail at start-up, in one line, on an invalid theme or provider configuration, or a
    store that cannot be used (a missing bucket, refused credentials...)."""
    from backoffice.art.themes import themes_in
    from backoffice.providers.config import build_providers
    from backoffice.storage import get_storage

    themes_in(str(settings.themes_dir))
    build_providers(settings)
    get_storage(settings).check()


def readiness(app: FastAPI, settings: Settings) -> dict[str, str]:
    """database, worker and queue: "ok", or what is wrong in a few words."""
    from backoffice.features.generation.sweeper import stuck_generations
    from backoffice.queue import stuck_jobs

    checks: dict[str, str] = {}
    workers = 0
    try:
        with session_scope(settings) as session:
            session.execute(text("SELECT 1"))
            recent = datetime.now(UTC) - timedelta(seconds=settings.stalled_after_seconds)
            workers = session.execute(
                text("SELECT count(*) FROM procrastinate_workers "
                     "WHERE last_heartbeat >= :recent"), {"recent": recent}).scalar_one()
            checks["database"] = "ok"
            stuck = stuck_jobs(session, settings) or stuck_generations(session, settings)
            checks["queue"] = f"stuck: {stuck}" if stuck else "ok"
    except Exception as exc:  # report, don't crash: this endpoint exists to say "not ok"
        checks.setdefault("database", f"error: {type(exc).__name__}")
        checks.setdefault("queue", "unknown")
    if settings.worker == "inprocess":
        task = app.state.worker_task
        status = getattr(app.state, "worker_status", None)
        if task is None or task.done():
            checks["worker"] = "stopped"
        elif status is not None and status.state == "reconnecting":
            checks["worker"] = f"reconnecting: {status.error}"[:200]
        else:
            checks["worker"] = "ok"
    else:
        checks["worker"] = f"external: {workers} alive" if workers else "external: none alive"
    return checks


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from backoffice.queue import close_deferrers
        from backoffice.supervisor import WorkerStatus, supervise

        check_configuration(settings)
        accounts.announce_setup(app, settings)
        task: asyncio.Task | None = None
        if settings.worker == "inprocess":
            # Supervised: through a database outage it reconnects, it never just stops.
            app.state.worker_status = WorkerStatus()
            task = asyncio.create_task(supervise(settings, name="web-inprocess",
                                                 status=app.state.worker_status))
            app.state.worker_task = task
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, timeout=30)
            app.state.worker_task = None
            close_deferrers()
            dispose_engines()

    # /docs is served from vendored Swagger UI files (the product works offline); ReDoc
    # would need a CDN, so it is off.
    app = FastAPI(title="Backoffice", version="0.1.0", lifespan=lifespan,
                  description="Create, review and export print-ready Amazon KDP coloring books.",
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.worker_task = None
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    error_handlers.install(app)
    # Sign-in for every route outside its public allow-list, CSRF, headers, body limits.
    accounts.install(app, settings, upload_paths=UPLOAD_PATHS)
    if settings.trusted_proxy_list:
        # Outermost: the client address and scheme are the proxy's word only when the
        # connection comes from one of the configured proxies (the default: none).
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Backoffice API",
            swagger_js_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url="/static/vendor/favicon.svg")

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], responses={503: {"description": "Not ready"}})
    def readyz() -> JSONResponse:
        """Ready when the database answers, a worker is alive and the queue is moving."""
        checks = readiness(app, settings)
        worker_alive = checks["worker"] == "ok" or (
            checks["worker"].startswith("external: ") and "none" not in checks["worker"])
        ready = checks["database"] == checks["queue"] == "ok" and worker_alive
        return JSONResponse({"status": "ready" if ready else "not ready", **checks},
                            status_code=200 if ready else 503)

    return app
