"""What database `db migrate` is pointed at: empty, ours, or the previous system's.

The previous system (nash-team/backoffice) is recognised by its own Alembic revision in
`alembic_version` and by the shape of its `ebooks` table at that revision, never by a
table name alone: a stranger's `ebooks` table must not be moved or read. Everything here
only reads, so `db status` can tell the truth before anything is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, text

OUR_VERSION_TABLE = "backoffice_alembic_version"
LEGACY_SCHEMA = "legacy"
# The names the previous system's cost tracking used, in its own migrations and code.
COST_TABLES = ("token_usage", "token_usages", "image_usages", "cost_calculation")

_TEXT = frozenset({"character varying", "text"})
_TIMESTAMP = frozenset({"timestamp without time zone", "timestamp with time zone"})
# Each column `ebooks` ever had in the previous chain, and the types it may have.
_COLUMN_TYPES: dict[str, frozenset[str]] = {
    "id": frozenset({"integer", "bigint"}),
    "title": _TEXT,
    "author": _TEXT,
    # The chain flipped it between varchar and the `ebookstatus` enum several times.
    "status": _TEXT | {"USER-DEFINED"},
    "preview_url": _TEXT,
    "drive_id": _TEXT,
    "created_at": _TIMESTAMP,
    "theme_id": _TEXT,
    "theme_version": _TEXT,
    "audience": _TEXT,
    "structure_json": frozenset({"json", "jsonb"}),
    "ebook_bytes": frozenset({"bytea"}),
    "page_count": frozenset({"integer", "bigint"}),
    "generation_cost": frozenset({"numeric"}),
    "prompt_tokens": frozenset({"integer"}),
    "completion_tokens": frozenset({"integer"}),
    "generation_provider": _TEXT,
    "generation_model": _TEXT,
    "generation_duration_seconds": frozenset({"numeric"}),
    "drive_id_cover": _TEXT,
    "drive_id_interior": _TEXT,
}
_COST_COLUMNS = ("generation_cost", "prompt_tokens", "completion_tokens", "generation_provider",
                 "generation_model", "generation_duration_seconds")
# The previous chain in order (read from its migrations/versions), with what each revision
# added to and removed from `ebooks`.
_CHAIN: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("e064f772d88b", (), ()),  # users only
    ("097b735e8fb8", ("id", "title", "author", "status", "preview_url", "drive_id",
                      "created_at"), ()),
    ("ac1b2ce11e70", (), ()),
    ("d5af74646a86", ("theme_id", "theme_version", "audience"), ()),
    ("920c999b4bb1", ("structure_json",), ()),
    ("41b5b1429baa", ("ebook_bytes",), ()),
    ("a4fa571b69fb", ("page_count",), ()),
    ("3ce9199f7afa", (), ()),
    ("6fcc948b009e", ("generation_cost",), ()),
    ("21c0fe290b3a", ("prompt_tokens", "completion_tokens"), ()),
    ("4d38adfff641", ("generation_provider", "generation_model",
                      "generation_duration_seconds"), ()),
    ("8d8b2af47db2", (), ()),  # token_usages, image_usages
    ("aa609b520552", (), _COST_COLUMNS),
    ("b1c2d3e4f5g6", ("drive_id_cover", "drive_id_interior"), ()),
    ("e7c51f753bca", (), ()),
    ("b34b0200e8da", (), ()),  # head at 0d07070, and at the repository's last commit
)


def _expected_columns() -> dict[str, frozenset[str]]:
    expected: dict[str, frozenset[str]] = {}
    columns: set[str] = set()
    for revision, added, removed in _CHAIN:
        columns = (columns | set(added)) - set(removed)
        expected[revision] = frozenset(columns)
    return expected


LEGACY_COLUMNS = _expected_columns()
LEGACY_REVISIONS = tuple(revision for revision, _, _ in _CHAIN)
NOT_RECOGNISED = ("nothing was changed. Point DATABASE_URL at an empty database, a Backoffice "
                  "database, or a database of the previous backoffice (nash-team/backoffice).")


class AdoptionRefused(Exception):
    """The database cannot be migrated safely; the message names the table and column."""


@dataclass
class Survey:
    kind: Literal["empty", "ours", "legacy"]
    revision: str | None = None  # the previous system's, for kind "legacy"
    tables: list[str] = field(default_factory=list)  # public tables to move into legacy
    cost_tables: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows
    books: int = 0
    ebooks_columns: frozenset[str] = frozenset()
    extra_columns: list[str] = field(default_factory=list)  # ebooks columns we don't know
    # For kind "ours": what an earlier adoption left in schema legacy.
    legacy_books: int | None = None
    imported_books: int = 0

    @property
    def cost_rows(self) -> int:
        return sum(self.cost_tables.values())


def _tables(conn: Connection, schema: str) -> list[str]:
    return list(conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') ORDER BY c.relname"),
        {"schema": schema}).scalars())


def _columns(conn: Connection, schema: str, table: str) -> dict[str, tuple[str, str]]:
    rows = conn.execute(text(
        "SELECT column_name, data_type, udt_name FROM information_schema.columns "
        "WHERE table_schema = :schema AND table_name = :table"),
        {"schema": schema, "table": table})
    return {name: (data_type, udt) for name, data_type, udt in rows}


def _count(conn: Connection, schema: str, table: str) -> int:
    return int(conn.execute(text(f'SELECT count(*) FROM "{schema}"."{table}"')).scalar_one())


def cost_tables(conn: Connection) -> dict[str, int]:
    """The previous system's cost tables with their row counts, in public and legacy."""
    found: dict[str, int] = {}
    for schema in ("public", LEGACY_SCHEMA):
        for table in _tables(conn, schema):
            if table in COST_TABLES:
                found[f"{schema}.{table}"] = _count(conn, schema, table)
    return found


def _our_table_names() -> set[str]:
    from backoffice import models  # noqa: F401  (registers the tables)
    from backoffice.database import Base

    return set(Base.metadata.tables) | {"procrastinate_jobs", "procrastinate_events",
                                        "procrastinate_workers",
                                        "procrastinate_periodic_defers"}


def _holds_legacy_revision(conn: Connection) -> bool:
    # Another application's Alembic table, alone, is no concern of ours.
    versions = conn.execute(text("SELECT version_num FROM public.alembic_version")).scalars()
    return any(v in LEGACY_COLUMNS for v in versions)


def _legacy_revision(conn: Connection) -> str:
    versions = list(conn.execute(text("SELECT version_num FROM public.alembic_version")).scalars())
    if len(versions) != 1 or versions[0] not in LEGACY_COLUMNS:
        shown = ", ".join(repr(v) for v in versions) or "no row"
        raise AdoptionRefused(
            f"table alembic_version, column version_num: holds {shown}, which is not a "
            f"revision of the previous backoffice (known: {', '.join(LEGACY_REVISIONS)}); "
            + NOT_RECOGNISED)
    return versions[0]


def _check_ebooks(conn: Connection, revision: str) -> tuple[frozenset[str], list[str]]:
    """The columns of ebooks, checked against the shape the revision gave it."""
    expected = LEGACY_COLUMNS[revision]
    columns = _columns(conn, "public", "ebooks")
    if not expected:
        if columns:
            raise AdoptionRefused(
                f"table ebooks exists, but the previous system at revision {revision} had "
                f"none; {NOT_RECOGNISED}")
        return frozenset(), []
    if not columns:
        raise AdoptionRefused(
            f"table ebooks is missing, but the previous system at revision {revision} has "
            f"one; {NOT_RECOGNISED}")
    for name in sorted(expected):
        if name not in columns:
            raise AdoptionRefused(
                f"table ebooks, column {name}: missing, but the previous system at revision "
                f"{revision} has it; {NOT_RECOGNISED}")
        data_type, udt = columns[name]
        allowed = _COLUMN_TYPES[name]
        if data_type not in allowed or (data_type == "USER-DEFINED" and udt != "ebookstatus"):
            shown = udt if data_type == "USER-DEFINED" else data_type
            raise AdoptionRefused(
                f"table ebooks, column {name}: type {shown}, expected "
                f"{' or '.join(sorted(allowed - {'USER-DEFINED'}))}; {NOT_RECOGNISED}")
    # Columns someone added by hand are moved with the table, unread: nothing is lost.
    return frozenset(columns), sorted(set(columns) - expected)


def _check_legacy_schema_free(conn: Connection, tables: list[str]) -> None:
    taken = set(_tables(conn, LEGACY_SCHEMA)) & set(tables)
    if taken:
        raise AdoptionRefused(
            f"schema {LEGACY_SCHEMA} already holds table {sorted(taken)[0]}: the previous "
            "system's tables cannot be moved there; nothing was changed. Rename or drop "
            f"that schema's copy first (it may be left from an earlier attempt).")


def survey(conn: Connection) -> Survey:
    """Look at the database, change nothing; raises AdoptionRefused when unsafe."""
    public = _tables(conn, "public")
    if OUR_VERSION_TABLE in public:
        return _survey_ours(conn)
    # Tables only we make (not ebooks or users, which the previous system had too).
    ours = sorted(set(public) & (_our_table_names() - {"ebooks", "users"}))
    if ours:
        raise AdoptionRefused(
            f"table {ours[0]} is one of ours, but this database has no {OUR_VERSION_TABLE} "
            "table to say which of our revisions it is at; it is not adopted. "
            + NOT_RECOGNISED)
    if "alembic_version" in public and ("ebooks" in public or _holds_legacy_revision(conn)):
        revision = _legacy_revision(conn)
        columns, extra = _check_ebooks(conn, revision)
        costs = cost_tables(conn)
        moved = [t for t in public if t not in COST_TABLES]
        _check_legacy_schema_free(conn, moved)
        books = _count(conn, "public", "ebooks") if columns else 0
        return Survey("legacy", revision, moved, costs, books, columns, extra)
    clash = sorted(set(public) & (_our_table_names() | {"ebooks"}))
    if clash:
        raise AdoptionRefused(
            f"table {clash[0]} already exists, but this database has neither our "
            f"{OUR_VERSION_TABLE} table nor the previous system's alembic_version; "
            + NOT_RECOGNISED)
    return Survey("empty")


def survey_url(url: str) -> Survey:
    """survey() on its own short read-only connection."""
    from sqlalchemy import create_engine, pool

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return survey(conn)
    finally:
        engine.dispose()


def _survey_ours(conn: Connection) -> Survey:
    found = Survey("ours")
    if "ebooks" in _tables(conn, LEGACY_SCHEMA):
        found.legacy_books = _count(conn, LEGACY_SCHEMA, "ebooks")
        if "legacy_ebook_id" in _columns(conn, "public", "ebooks"):
            found.imported_books = int(conn.execute(text(
                "SELECT count(*) FROM public.ebooks WHERE legacy_ebook_id IS NOT NULL"))
                .scalar_one())
    return found


def describe(found: Survey) -> str:
    """One line for `db status` about the previous system, or '' when there is none."""
    if found.kind == "legacy":
        return (f"previous system's database at revision {found.revision}: "
                f"{found.books} book{'s' if found.books != 1 else ''}, {found.cost_rows} cost "
                f"row{'s' if found.cost_rows != 1 else ''}; `db migrate` will adopt it")
    if found.legacy_books is not None:
        return (f"previous system's tables kept in schema {LEGACY_SCHEMA}: "
                f"{found.legacy_books} book(s) there, {found.imported_books} imported")
    return ""
