"""Requests reuse pooled connections, in the embedded mode and with DATABASE_URL alike.

Counted by the server itself (pg_stat_database.sessions, every connection to any database,
whoever opened it), so a connection opened outside the pool counts too: the embedded
mode used to open two fresh ones per request to check that its database exists."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event

from tests.conftest import ADMIN_EMAIL, login, make_user

REQUESTS = 40


def _server_sessions(admin: psycopg.Connection) -> int:
    """Connections the server has accepted so far, once every backend has reported."""
    def read() -> int:
        admin.execute("SELECT pg_stat_clear_snapshot()")
        row = admin.execute("SELECT sum(sessions)::bigint FROM pg_stat_database").fetchone()
        assert row is not None
        return int(row[0])

    # Backends publish their counters when idle, at most once a second.
    value, stable_since = read(), time.monotonic()
    deadline = time.monotonic() + 10
    while time.monotonic() - stable_since < 1.5 and time.monotonic() < deadline:
        time.sleep(0.25)
        current = read()
        if current != value:
            value, stable_since = current, time.monotonic()
    return value


@pytest.fixture
def embedded_settings(pg_root: Path, pg_admin_url: str, template_url: str) -> Iterator:
    """DATABASE_URL unset: the app finds the embedded server under its data folder (the
    test server's) and its `backoffice` database, migrated like every test database."""
    from backoffice.config import Settings
    from backoffice.database import EMBEDDED_DB_NAME, dispose_engines

    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{EMBEDDED_DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}" TEMPLATE backoffice_template')
    try:
        yield Settings(_env_file=None, DATABASE_URL=None, BACKOFFICE_DATA_DIR=pg_root,
                       BACKOFFICE_WORKER="external")
    finally:
        dispose_engines()
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{EMBEDDED_DB_NAME}" WITH (FORCE)')


def _requests_reuse_the_pool(settings, pg_admin_url: str) -> None:
    from fastapi.testclient import TestClient

    from backoffice.database import get_engine
    from backoffice.main import create_app

    make_user(settings, ADMIN_EMAIL, "admin")
    held, most_held = [0], [0]

    def checkout(*_args) -> None:
        held[0] += 1
        most_held[0] = max(most_held[0], held[0])

    def checkin(*_args) -> None:
        held[0] -= 1

    pool = get_engine(settings).pool
    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    with TestClient(create_app(settings)) as client, \
            psycopg.connect(pg_admin_url, autocommit=True) as admin:
        login(client, ADMIN_EMAIL)
        assert client.get("/api/ebooks").status_code == 200  # the pool is warm
        before = _server_sessions(admin)
        for _ in range(REQUESTS):
            assert client.get("/api/ebooks").status_code == 200
            assert client.get("/").status_code == 200
        opened = _server_sessions(admin) - before
    # Before: 2 new connections per request in the embedded mode (160 here).
    assert opened <= 2, f"{2 * REQUESTS} requests opened {opened} new connections"
    # The sign-in check and the route take turns on the connection: never two at once.
    assert most_held[0] == 1


def test_embedded_mode_requests_reuse_pooled_connections(embedded_settings,
                                                         pg_admin_url: str) -> None:
    assert embedded_settings.database_url is None
    _requests_reuse_the_pool(embedded_settings, pg_admin_url)


def test_database_url_requests_reuse_pooled_connections(settings, pg_admin_url: str) -> None:
    settings.worker = "external"
    _requests_reuse_the_pool(settings, pg_admin_url)


def test_embedded_url_is_resolved_once(embedded_settings, pg_admin_url: str) -> None:
    from backoffice.database import sqlalchemy_url

    first = sqlalchemy_url(embedded_settings)
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        before = _server_sessions(admin)
        assert all(sqlalchemy_url(embedded_settings) == first for _ in range(50))
        assert _server_sessions(admin) - before == 0
