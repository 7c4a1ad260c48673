"""Query plans at a real size: the dashboard's list and counts read indexes, and deleting a
page or a book never scans a table (migration 0012).

The database holds 10,000 generated books (260,000 pages and versions, the size the
dashboard is held to), seeded in bulk and vacuumed: large enough that the planner picks an
index wherever one serves. The queries checked are the ones the services send, captured on
their way to the server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from bench.plans import BIG_TABLES, captured_selects, plan_problems
from bench.seed import STATUSES, analyze, seed_books
from sqlalchemy import Engine, create_engine, delete, select, text
from sqlalchemy.orm import Session

from tests.conftest import _db_url

BOOKS = 10_000


@pytest.fixture(scope="module")
def big_engine(pg_admin_url: str, template_url: str) -> Iterator[Engine]:
    name = "plans_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE backoffice_template')
    engine = create_engine(_db_url(pg_admin_url, name))
    try:
        with engine.begin() as connection:
            seed_books(connection, BOOKS - 10)
            # Room to remove a page: a book keeps at least 24 coloring pages.
            seed_books(connection, 10, designs=30)
        analyze(engine)
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _assert_indexed(engine: Engine, statements: list[tuple[str, dict]]) -> None:
    assert statements
    for statement, parameters in statements:
        problems = plan_problems(engine, statement, parameters)
        assert not problems, f"{problems} in the plan of:\n{statement}"


@pytest.mark.parametrize("status", [None, "DRAFT", "PUBLISHED"])
@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "author"])
@pytest.mark.parametrize("page", [1, 40])
def test_dashboard_list_reads_indexes(big_engine: Engine, sort: str, status: str | None,
                                      page: int) -> None:
    from backoffice.features.book import service as book
    from backoffice.features.dashboard import service

    def work(session: Session) -> None:
        result = service.list_ebooks(session, status=status, sort=sort, page=page, size=15)
        assert len(result.items) == 15
        ids = [e.id for e in result.items]
        book.latest_jobs(session, ids)
        service.row_extras(session, ids)

    _assert_indexed(big_engine, captured_selects(big_engine, work))


def test_dashboard_counts_read_indexes(big_engine: Engine) -> None:
    from backoffice.features.dashboard import service

    stats: dict = {}
    statements = captured_selects(big_engine,
                                  lambda session: stats.update(service.stats(session)))
    _assert_indexed(big_engine, statements)
    assert stats["total"] == BOOKS == sum(stats[s.lower()] for s in STATUSES)
    assert stats["draft"] == (BOOKS - 10) // 4 + 10 // 4
    assert stats["generating"] == (BOOKS - 10) // 250  # one book in 250 is generating


def _sequential_scans(session: Session) -> dict[str, int]:
    """Sequential scans this transaction has made so far, per table."""
    rows = session.execute(text("SELECT relname, seq_scan FROM pg_stat_xact_user_tables"))
    return {name: count for name, count in rows if name in BIG_TABLES and count}


def _editable_book(session: Session) -> int:
    from backoffice.models import Ebook, GenerationJob

    running = select(GenerationJob.ebook_id).where(GenerationJob.status == "running")
    return session.scalar(select(Ebook.id).where(Ebook.status == "DRAFT", Ebook.page_count > 24,
                                                 Ebook.id.not_in(running)).limit(1))


def test_removing_a_page_scans_no_table(big_engine: Engine) -> None:
    from backoffice.features.regeneration import service
    from backoffice.models import Page

    with Session(big_engine) as session:
        ebook_id = _editable_book(session)
        page_id = session.scalar(select(Page.id).where(
            Page.ebook_id == ebook_id, Page.kind == "content", Page.position == 3))
        before = _sequential_scans(session)
        # Cascades to the page's versions; each one deleted sets pages.current_version_id
        # pointing at it to NULL, which scanned all 260,000 pages without its index.
        service.remove_page(session, ebook_id, page_id, actor="test")
        session.flush()
        assert _sequential_scans(session) == before
        session.rollback()


def test_deleting_a_book_scans_no_table(big_engine: Engine) -> None:
    from backoffice.models import Ebook, Page

    with Session(big_engine) as session:
        ebook_id = _editable_book(session)
        before = _sequential_scans(session)
        session.execute(delete(Ebook).where(Ebook.id == ebook_id))
        assert _sequential_scans(session) == before
        assert session.scalar(select(Page.id).where(Page.ebook_id == ebook_id)) is None
        session.rollback()
