"""`backoffice db migrate` adopts a database of the previous system: the real command, on a
database built like the team's (tests/legacy_db.py), on the embedded PostgreSQL 16."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import psycopg
import pytest

from tests import legacy_db
from tests.legacy_db import LegacyBook, libpq

COST_TABLES = {"token_usage", "token_usages", "image_usages", "cost_calculation"}


@pytest.fixture
def env(empty_db_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": libpq(empty_db_url),
            "BACKOFFICE_DATA_DIR": str(tmp_path / "data")}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backoffice", *args], env=env,
                          capture_output=True, text=True, timeout=600)


def _tables(url: str, schema: str) -> set[str]:
    with psycopg.connect(libpq(url)) as conn:
        return {t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))}


def _books(url: str) -> list[dict]:
    with psycopg.connect(libpq(url)) as conn:
        conn.row_factory = psycopg.rows.dict_row
        return conn.execute("SELECT * FROM ebooks ORDER BY legacy_ebook_id").fetchall()


def _original_keys(url: str, ebook_id: int) -> list[tuple[str, int, str, str]]:
    """(kind, position, key of the first version, key of the current one), reading order."""
    with psycopg.connect(libpq(url)) as conn:
        return conn.execute(
            "SELECT p.kind, p.position, first.image_key, cur.image_key FROM pages p "
            "JOIN page_versions cur ON cur.id = p.current_version_id "
            "JOIN LATERAL (SELECT image_key FROM page_versions v WHERE v.page_id = p.id "
            "              ORDER BY v.id LIMIT 1) first ON true "
            "WHERE p.ebook_id = %s ORDER BY CASE p.kind WHEN 'cover' THEN 0 "
            "WHEN 'content' THEN 1 ELSE 2 END, p.position", (ebook_id,)).fetchall()


def _key(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest() + ".png"


def test_a_team_database_is_adopted_whole(empty_db_url: str, env: dict[str, str]) -> None:
    books = legacy_db.team_books()
    legacy_db.build(empty_db_url, books)
    before = legacy_db.snapshot(empty_db_url)

    status = cli(env, "db", "status")
    assert status.returncode == 0, status.stderr
    assert ("previous system's database at revision b34b0200e8da: 5 books, 59 cost rows; "
            "`db migrate` will adopt it") in status.stdout
    assert legacy_db.snapshot(empty_db_url) == before  # status touched nothing

    migrated = cli(env, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    out = migrated.stdout
    assert "Traceback" not in migrated.stderr
    assert "moved into schema legacy, unchanged: alembic_version, ebooks, users" in out
    assert "dropped cost tables: image_usages (7 rows), token_usages (52 rows)" in out
    assert "imported 5 books, 65 pages (33 content pages also cleaned" in out
    assert "need pages before export: book 1 (add 16 pages), book 3 (add 23 pages)" in out
    assert "theme neutral-default is not one of ours: 1 book imported as flowers" in out
    assert "theme neutral-default is not one of ours: 1 book imported as mandalas" in out
    assert "structure_json is NULL" in out

    # Cost tables are gone from everywhere; the rest moved unchanged.
    assert not COST_TABLES & (_tables(empty_db_url, "public") | _tables(empty_db_url, "legacy"))
    assert _tables(empty_db_url, "legacy") == {"alembic_version", "ebooks", "users"}
    with psycopg.connect(libpq(empty_db_url)) as conn:
        for table in ("ebooks", "users", "alembic_version"):
            assert (legacy_db.table_checksum(conn, "legacy", table)
                    == before["checksums"][f"public.{table}"])
        assert conn.execute("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON "
                            "n.oid = t.typnamespace WHERE t.typname = 'ebookstatus' AND "
                            "n.nspname = 'public'").fetchone() == (0,)
        legacy_rows = conn.execute("SELECT id, structure_json FROM legacy.ebooks ORDER BY id"
                                   ).fetchall()

    imported = _books(empty_db_url)
    assert [b["legacy_ebook_id"] for b in imported] == [row[0] for row in legacy_rows]
    for book, legacy, (_, structure) in zip(imported, books, legacy_rows, strict=True):
        assert book["title"] == legacy.title and book["author"] == legacy.author
        assert book["status"] == legacy.status
        assert book["created_at"] == legacy.created_at.replace(tzinfo=UTC)
        assert (book["trim_size"], book["paper"]) == ("8.5x8.5", "white")
        assert book["page_count"] == (legacy.content_pages or 0)
        pages = _original_keys(empty_db_url, book["id"])
        if structure is None:
            assert pages == []
            continue
        originals = [_key(base64.b64decode(entry["image_data_base64"]))
                     for entry in structure["pages_meta"]]
        assert [p[2] for p in pages] == originals  # every image, in order, byte for byte
        assert [p[0] for p in pages] == (["cover"] + ["content"] * (len(originals) - 2)
                                         + ["back_cover"])
        assert [p[1] for p in pages[1:-1]] == list(range(1, len(originals) - 1))
    assert imported[0]["theme"] == "dinosaurs" and imported[4]["theme"] == "mandalas"
    assert imported[4]["audience"] == "adults" and len(imported[4]["title"]) > 300

    with psycopg.connect(libpq(empty_db_url)) as conn:
        history = conn.execute(
            "SELECT e.legacy_ebook_id, s.to_status, s.reason FROM status_changes s "
            "JOIN ebooks e ON e.id = s.ebook_id ORDER BY e.legacy_ebook_id").fetchall()
        assert [(h[1], h[2]) for h in history] == [
            (b.status, f"Imported from the previous system (status there: {b.status})")
            for b in books]
        versions = conn.execute(
            "SELECT v.provider, v.model, v.quality ? 'passed', v.quality->>'cleaned' "
            "FROM page_versions v JOIN pages p ON p.id = v.page_id JOIN ebooks e "
            "ON e.id = p.ebook_id WHERE e.legacy_ebook_id = 1 AND p.kind = 'content' "
            "AND p.position = 1 ORDER BY v.id").fetchall()
        # RGB line art: the original, then the cleaned 1-bit version with the gate's verdict.
        assert versions == [("imported", "previous system", False, None),
                            ("imported", "previous system, cleaned to 1-bit line art", True,
                             "true")]
        bitonal = conn.execute(
            "SELECT count(*), bool_and(v.quality ? 'passed') FROM page_versions v "
            "JOIN pages p ON p.id = v.page_id JOIN ebooks e ON e.id = p.ebook_id "
            "WHERE e.legacy_ebook_id = 5 AND p.kind = 'content'").fetchone()
        assert bitonal == (24, True)  # already 1-bit: kept as the current version, judged

    listed = cli(env, "book", "list")
    assert listed.returncode == 0, listed.stderr
    assert "L’été des licornes 🦄✨ — Zoé L’Héritier" in listed.stdout
    assert "5 book(s)" in listed.stdout

    # A second migrate changes nothing.
    after = legacy_db.snapshot(empty_db_url)
    again = cli(env, "db", "migrate")
    assert again.returncode == 0, again.stderr
    assert "Adopted" not in again.stdout
    assert legacy_db.snapshot(empty_db_url) == after
    status = cli(env, "db", "status")
    assert "up to date" in status.stdout
    assert "schema legacy: 5 book(s) there, 5 imported" in status.stdout


@pytest.mark.parametrize("revision", ["8d8b2af47db2", "3ce9199f7afa"])
def test_earlier_revisions_adopt_too(empty_db_url: str, env: dict[str, str],
                                     revision: str) -> None:
    books = [LegacyBook("Pirates d’hier", status="APPROVED", theme_id="pirates",
                        content_pages=2),
             LegacyBook("Sans pages", status="REJECTED", content_pages=None)]
    legacy_db.build(empty_db_url, books, revision=revision, token_rows=3, image_rows=1)
    ebooks_before = legacy_db.snapshot(empty_db_url)["checksums"]["public.ebooks"]

    migrated = cli(env, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert f"its revision {revision}" in migrated.stdout
    assert not COST_TABLES & (_tables(empty_db_url, "public") | _tables(empty_db_url, "legacy"))
    with psycopg.connect(libpq(empty_db_url)) as conn:
        assert legacy_db.table_checksum(conn, "legacy", "ebooks") == ebooks_before
    imported = _books(empty_db_url)
    assert [(b["title"], b["status"], b["page_count"]) for b in imported] == [
        ("Pirates d’hier", "APPROVED", 2), ("Sans pages", "REJECTED", 0)]


def test_older_cost_table_names_are_dropped(empty_db_url: str, env: dict[str, str]) -> None:
    legacy_db.build(empty_db_url, [LegacyBook("Un livre", content_pages=1)], extra_sql=(
        "CREATE TABLE token_usage (id serial PRIMARY KEY, cost numeric)",
        "INSERT INTO token_usage (cost) VALUES (0.1), (0.2)",
        "CREATE TABLE cost_calculation (id serial PRIMARY KEY, "
        "usage_id int REFERENCES token_usages(id))",
        "CREATE VIEW cost_report AS SELECT sum(cost) FROM token_usages",
        "CREATE TABLE book_memory (id serial PRIMARY KEY, theme varchar)",
    ))
    migrated = cli(env, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "token_usage (2 rows)" in migrated.stdout
    assert "cost_calculation (0 rows)" in migrated.stdout
    assert _tables(empty_db_url, "legacy") == {"alembic_version", "book_memory", "ebooks",
                                               "users"}
    with psycopg.connect(libpq(empty_db_url)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_views WHERE viewname = 'cost_report'"
                            ).fetchone() == (0,)


@pytest.mark.parametrize(("sql", "named"), [
    (("ALTER TABLE ebooks ALTER COLUMN structure_json TYPE text",),
     "table ebooks, column structure_json: type text"),
    (("ALTER TABLE ebooks DROP COLUMN title",), "table ebooks, column title: missing"),
    (("UPDATE alembic_version SET version_num = 'f00dfeedbeef'",),
     "table alembic_version, column version_num: holds 'f00dfeedbeef'"),
])
def test_a_mismatched_shape_stops_with_exit_2_and_changes_nothing(
        empty_db_url: str, env: dict[str, str], sql: tuple[str, ...], named: str) -> None:
    legacy_db.build(empty_db_url, [LegacyBook("Intact", content_pages=1)], token_rows=2,
                    image_rows=0, extra_sql=sql)
    before = legacy_db.snapshot(empty_db_url)
    for command in (("db", "migrate"), ("db", "status"), ("book", "list")):
        result = cli(env, *command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert named in result.stderr, result.stderr
        assert "nothing was changed" in result.stderr
        assert "Traceback" not in result.stderr
    assert legacy_db.snapshot(empty_db_url) == before


def test_a_strangers_ebooks_table_is_not_taken_for_the_previous_system(
        empty_db_url: str, env: dict[str, str]) -> None:
    with psycopg.connect(libpq(empty_db_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE ebooks (id serial PRIMARY KEY, structure_json json)")
    result = cli(env, "db", "migrate")
    assert result.returncode == 2
    assert "table ebooks already exists" in result.stderr
    assert _tables(empty_db_url, "public") == {"ebooks"}


def test_a_failure_half_way_leaves_the_database_as_it_was(empty_db_url: str,
                                                          env: dict[str, str],
                                                          tmp_path: Path) -> None:
    legacy_db.build(empty_db_url, legacy_db.team_books()[:2])
    before = legacy_db.snapshot(empty_db_url)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the images cannot be stored under a file")
    result = cli({**env, "BACKOFFICE_DATA_DIR": str(blocked)}, "db", "migrate")
    assert result.returncode == 1, result.stdout
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert legacy_db.snapshot(empty_db_url) == before

    again = cli(env, "db", "migrate")
    assert again.returncode == 0, again.stderr
    assert "imported 2 books" in again.stdout


def test_our_own_database_is_never_adopted(empty_db_url: str, env: dict[str, str]) -> None:
    from backoffice import migrate

    migrate.upgrade(empty_db_url)
    with psycopg.connect(libpq(empty_db_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('b34b0200e8da')")
    result = cli(env, "db", "migrate")
    assert result.returncode == 0, result.stderr
    assert "Adopted" not in result.stdout
    assert "alembic_version" in _tables(empty_db_url, "public")
    with psycopg.connect(libpq(empty_db_url)) as conn:
        schemas = {name for (name,) in conn.execute("SELECT nspname FROM pg_namespace")}
    assert "legacy" not in schemas

    # Our tables without our version table: never taken for the previous system's.
    with psycopg.connect(libpq(empty_db_url), autocommit=True) as conn:
        conn.execute("DROP TABLE backoffice_alembic_version")
    before = legacy_db.snapshot(empty_db_url)
    refused = cli(env, "db", "migrate")
    assert refused.returncode == 2
    assert "is one of ours" in refused.stderr and "Traceback" not in refused.stderr
    assert legacy_db.snapshot(empty_db_url) == before
