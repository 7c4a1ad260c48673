"""Real PostgreSQL 16 for the tests: one embedded server per run, a template database
built by the Alembic migrations once, and a fresh clone of it for every test."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

os.environ.setdefault("PGSERVER_POSTGRES_VERSION", "16")
TEMPLATE_DB = "backoffice_template"
# boto3 (the s3 store) must never reach for a cloud's metadata address or this machine's
# ~/.aws: the tests' S3 is a local server (tests/fakes/s3.py), with the credentials given.
os.environ.update({"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
                   "AWS_SHARED_CREDENTIALS_FILE": os.devnull})


@pytest.fixture(scope="session")
def pg_root() -> Iterator[Path]:
    """The test server's folder: its data lives in `pgdata`, where the embedded mode of a
    Settings with BACKOFFICE_DATA_DIR=<this folder> looks for it."""
    # Outside pytest's basetemp, which other pytest runs prune while we still use it;
    # and short, because the server's Unix socket lives in this folder.
    root = Path(tempfile.mkdtemp(prefix="bo-pg-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url(pg_root: Path) -> Iterator[str]:
    from backoffice.database import start_embedded_server

    try:
        yield start_embedded_server(pg_root / "pgdata")
    finally:
        from backoffice.database import stop_embedded_servers

        stop_embedded_servers()


def _db_url(admin_url: str, name: str) -> str:
    socket_dir = parse_qs(urlsplit(admin_url).query)["host"][0]
    return f"postgresql+psycopg://postgres@/{name}?host={socket_dir}"


@pytest.fixture(scope="session")
def template_url(pg_admin_url: str) -> str:
    from backoffice import migrate

    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
        conn.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
    url = _db_url(pg_admin_url, TEMPLATE_DB)
    migrate.upgrade(url)
    return url


@pytest.fixture
def empty_db_url(pg_admin_url: str) -> Iterator[str]:
    """A database with no schema at all, for migration tests."""
    yield from _fresh_database(pg_admin_url, template=None)


@pytest.fixture
def db_url(pg_admin_url: str, template_url: str) -> Iterator[str]:
    yield from _fresh_database(pg_admin_url, template=TEMPLATE_DB)


def _fresh_database(admin_url: str, template: str | None) -> Iterator[str]:
    from backoffice.database import dispose_engines
    from backoffice.queue import close_deferrers

    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        clause = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    try:
        yield _db_url(admin_url, name)
    finally:
        close_deferrers()
        dispose_engines()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(db_url: str, tmp_path: Path):
    from backoffice.config import Settings

    return Settings(
        DATABASE_URL=db_url.replace("postgresql+psycopg://", "postgresql://", 1),
        BACKOFFICE_DATA_DIR=tmp_path / "data",
        BACKOFFICE_WORKER_CONCURRENCY=2,
        BACKOFFICE_HEARTBEAT_SECONDS=1,
        BACKOFFICE_STALLED_AFTER_SECONDS=4,
    )


PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "admin@example.com"
EDITOR_EMAIL = "editor@example.com"


def make_user(settings, email: str, role: str, password: str | None = PASSWORD) -> int:
    from backoffice.database import session_scope
    from backoffice.features.accounts import service

    with session_scope(settings) as db_session:
        return service.create_user(db_session, email=email, role=role, password=password,
                                   actor="test").id


def login(test_client, email: str, password: str = PASSWORD) -> None:
    """Through the real login form; then the client sends the session's CSRF token and a
    same-origin Origin on every request, as the browser (htmx's hx-headers) does."""
    session_token = test_client.headers.pop("X-CSRF-Token", None)
    shown = test_client.get("/login", follow_redirects=False).status_code == 200
    # Signed out: the login form's token; still signed in (re-login): the session's.
    csrf = test_client.cookies.get("bo_csrf") if shown else session_token
    response = test_client.post("/login", data={
        "email": email, "password": password, "csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = test_client.get("/account")
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
    assert token, page.text
    test_client.headers["X-CSRF-Token"] = token.group(1)
    test_client.headers["Origin"] = str(test_client.base_url).rstrip("/")


@pytest.fixture
def app(settings):
    from backoffice.main import create_app

    return create_app(settings)


@pytest.fixture
def client(app, settings):
    """Signed in as an admin (admins can do everything editors can)."""
    from fastapi.testclient import TestClient

    make_user(settings, ADMIN_EMAIL, "admin")
    with TestClient(app) as test_client:
        login(test_client, ADMIN_EMAIL)
        yield test_client


@pytest.fixture
def editor_client(app, settings):
    from fastapi.testclient import TestClient

    make_user(settings, EDITOR_EMAIL, "editor")
    test_client = TestClient(app)
    login(test_client, EDITOR_EMAIL)
    return test_client


@pytest.fixture
def anon_client(app):
    """No session, no lifespan (no worker): for what the public and refusals look like."""
    from fastapi.testclient import TestClient

    return TestClient(app)


@pytest.fixture
def session(settings):
    """A session committed by the test itself through `session.commit()` when needed."""
    from backoffice.database import session_factory

    with session_factory(settings)() as db_session:
        yield db_session


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> Path:
    """A models folder holding tiny diffusers pipelines with random weights, built once
    per run (tests/fakes/tiny_diffusers.py): tiny-sd (SD 1.5), tiny-sdxl, tiny-flux, a
    LoRA for tiny-sd, a ControlNet and its reference drawing."""
    from tests.fakes.tiny_diffusers import require_local_ai

    require_local_ai()
    from PIL import Image, ImageDraw

    from tests.fakes import tiny_diffusers as tiny

    root = tmp_path_factory.mktemp("models")
    tiny.build_sd15(root / "tiny-sd")
    tiny.build_sdxl(root / "tiny-sdxl")
    tiny.build_flux(root / "tiny-flux")
    tiny.build_lora(root / "tiny-sd", root / "loras")
    tiny.build_controlnet(root / "tiny-sd", root / "tiny-controlnet")
    reference = Image.new("L", (64, 64), 255)
    ImageDraw.Draw(reference).ellipse((10, 10, 54, 54), outline=0, width=3)
    reference.save(root / "reference.png")
    return root


@pytest.fixture(scope="session")
def s3_server():
    """A local server speaking the S3 protocol (moto's, as its own process)."""
    from tests.fakes.s3 import moto_server

    with moto_server() as server:
        yield server


@pytest.fixture
def s3_settings(settings, s3_server, monkeypatch):
    """`settings` with the s3 store on a fresh bucket of the local S3 server."""
    from backoffice.config import Settings

    env = s3_server.env(s3_server.new_bucket())
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, env[name])
    return Settings(**{**settings.model_dump(by_alias=True),
                       **{k: v for k, v in env.items() if k.startswith("BACKOFFICE_")}})
