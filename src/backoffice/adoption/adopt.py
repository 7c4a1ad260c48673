"""`db migrate` in one transaction: adopt the previous system's database when that is
what it is (move its tables into schema `legacy`, drop its cost tables), run our Alembic
chain, import its books. Any failure rolls all of it back: the database is as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, create_engine, pool, text
from sqlalchemy.orm import Session

from backoffice.adoption.detect import LEGACY_SCHEMA, Survey, cost_tables, survey
from backoffice.adoption.import_books import ImportReport, ProgressCallback, import_books
from backoffice.storage import Storage

# Two processes migrating at once (serve and worker start together) take turns.
MIGRATION_LOCK = 0x6261636B6F66


@dataclass
class Outcome:
    found: Survey
    moved: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    imported: ImportReport | None = None

    @property
    def adopted(self) -> bool:
        return self.found.kind == "legacy"


def migrate_database(url: str, *, storage: Storage, themes_dir: Path,
                     on_progress: ProgressCallback | None = None) -> Outcome:
    """Bring the database to our head revision, adopting it first if it is the previous
    system's. Raises detect.AdoptionRefused, having changed nothing, when it is unsafe."""
    from backoffice import migrate

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            outcome = Outcome(survey(conn))
            if outcome.adopted:
                outcome.dropped = drop_cost_tables(conn)
                outcome.moved = move_to_legacy(conn, outcome.found)
            migrate.upgrade_on(conn)
            if outcome.adopted:
                outcome.imported = _import(conn, outcome.found, storage, themes_dir,
                                           on_progress)
    finally:
        engine.dispose()
    return outcome


def drop_cost_tables(conn: Connection) -> dict[str, int]:
    """Drop them (CASCADE: their views and foreign keys go too); returns rows per table."""
    dropped = cost_tables(conn)
    for qualified in dropped:
        schema, table = qualified.split(".")
        conn.execute(text(f'DROP TABLE "{schema}"."{table}" CASCADE'))
    return dropped


def move_to_legacy(conn: Connection, found: Survey) -> list[str]:
    """Every table, view, loose sequence and enum type left in public moves, unchanged,
    into schema legacy; public is then free for our chain."""
    conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {LEGACY_SCHEMA}"))
    moved: list[str] = []
    for table in found.tables:
        # Owned sequences, indexes and constraints move with their table.
        conn.execute(text(f'ALTER TABLE public."{table}" SET SCHEMA {LEGACY_SCHEMA}'))
        moved.append(table)
    kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    rest = conn.execute(text(
        "SELECT c.relname, c.relkind FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'S') ORDER BY c.relname")).all()
    for name, kind in rest:
        conn.execute(text(f'ALTER {kinds[kind]} public."{name}" SET SCHEMA {LEGACY_SCHEMA}'))
        moved.append(f"{kinds[kind].lower()} {name}")
    # ebookstatus: left over by the chain's varchar/enum flip-flop (and still the type of
    # ebooks.status at some revisions), so it moves rather than being dropped.
    enums = conn.execute(text(
        "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = 'public' AND t.typtype = 'e' ORDER BY t.typname")).scalars().all()
    for name in enums:
        conn.execute(text(f'ALTER TYPE public."{name}" SET SCHEMA {LEGACY_SCHEMA}'))
        moved.append(f"type {name}")
    return moved


def _import(conn: Connection, found: Survey, storage: Storage, themes_dir: Path,
            on_progress: ProgressCallback | None) -> ImportReport:
    from backoffice.art.themes import themes_in

    themes = set(themes_in(str(themes_dir)))
    # Inside a savepoint of the connection's transaction, committed by migrate_database.
    session = Session(bind=conn, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    try:
        report = import_books(session, found.ebooks_columns,
                              storage=storage, themes=themes,
                              on_progress=on_progress)
        session.commit()  # releases the savepoint; the transaction stays open
        return report
    finally:
        session.close()
