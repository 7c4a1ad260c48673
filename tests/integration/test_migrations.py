"""The schema is made by Alembic only; the chain goes down and up again cleanly."""

from __future__ import annotations

import psycopg
from sqlalchemy import create_engine, inspect, pool

from backoffice import migrate

OUR_TABLES = {"ebooks", "pages", "page_versions", "generation_jobs", "status_changes"}
LEGACY = ("token_usage", "token_usages", "image_usages", "cost_calculation")


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_round_trip(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    assert OUR_TABLES | {"procrastinate_jobs"} <= _tables(empty_db_url)
    assert migrate.status(empty_db_url)[0] == migrate.status(empty_db_url)[1]

    migrate.downgrade(empty_db_url, "base")
    left = _tables(empty_db_url) - {"backoffice_alembic_version"}
    assert left == set()

    migrate.upgrade(empty_db_url)
    assert _tables(empty_db_url) >= OUR_TABLES


def test_legacy_cost_tables_are_dropped_and_nothing_else(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0002")
    with psycopg.connect(_libpq(empty_db_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE token_usages (id serial PRIMARY KEY, cost numeric)")
        conn.execute("CREATE TABLE image_usages (id serial PRIMARY KEY, output_images int)")
        conn.execute("CREATE TABLE token_usage (id serial PRIMARY KEY)")
        # A dependent object: CASCADE must take it along rather than fail.
        conn.execute("CREATE TABLE cost_calculation (id serial PRIMARY KEY, "
                     "usage_id int REFERENCES token_usages(id))")
        conn.execute("CREATE VIEW cost_report AS SELECT sum(cost) FROM token_usages")
        conn.execute("CREATE TABLE keep_me (note text)")
        conn.execute("INSERT INTO keep_me VALUES ('still here')")
        conn.execute(
            "INSERT INTO ebooks (title, author, theme, audience, trim_size, paper, page_count,"
            " seed) VALUES ('Old book', 'A', 'mandalas', 'adults', '8.5x11', 'white', 24, 1)")

    migrate.upgrade(empty_db_url)

    tables = _tables(empty_db_url)
    assert not set(LEGACY) & tables
    with psycopg.connect(_libpq(empty_db_url)) as conn:
        assert conn.execute("SELECT note FROM keep_me").fetchone() == ("still here",)
        assert conn.execute("SELECT title FROM ebooks").fetchone() == ("Old book",)
        views = conn.execute("SELECT count(*) FROM pg_views WHERE viewname = 'cost_report'")
        assert views.fetchone() == (0,)


def test_legacy_clean_up_is_harmless_when_tables_are_absent(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    assert migrate.status(empty_db_url)[0] == migrate.status(empty_db_url)[1]
