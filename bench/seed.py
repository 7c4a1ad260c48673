"""Bulk test data for the scale benchmark and the query-plan tests: thousands of generated
books, each with its covers, content pages, one current version per page and its finished
generation job, written with INSERT ... SELECT generate_series (10,000 books in seconds,
not one ORM object at a time).

Books are spread over the four statuses and over the past, like a team's real history;
one book in 250 has a job still running, for the dashboard's "generating" count."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

STATUSES = ("DRAFT", "APPROVED", "PUBLISHED", "REJECTED")

_BOOKS = text("""
INSERT INTO ebooks (title, subtitle, author, theme, audience, trim_size, paper, page_count,
                    seed, status, single_sided, front_matter, page_numbers,
                    created_at, updated_at)
SELECT 'Livre de coloriage ' || g, '', 'Auteur ' || (g % 97), 'mandalas', 'children',
       '8.5x11', 'white', :designs, g, (ARRAY['DRAFT', 'APPROVED', 'PUBLISHED', 'REJECTED'])
       [1 + g % 4], true, true, false, now() - make_interval(mins => g),
       now() - make_interval(mins => g)
FROM generate_series(1, :count) AS g
""")

_JOBS = text("""
INSERT INTO generation_jobs (ebook_id, kind, status, done, total, step, params, started_at,
                             finished_at, created_at, updated_at)
SELECT e.id, 'generate', CASE WHEN e.seed % 250 = 0 THEN 'running' ELSE 'succeeded' END,
       e.page_count + 2, e.page_count + 2, 'done', '{}', e.created_at, e.created_at,
       e.created_at, e.created_at
FROM ebooks AS e WHERE e.id > :after
""")

# Pages and versions get their ids here, so each page points at its version as it is
# written (no second pass updating every page), and the foreign keys that point both ways
# are not checked row by row: the rows are consistent by construction.
_PLAN = text("""
CREATE TEMPORARY TABLE seed_pages ON COMMIT DROP AS
SELECT :page_base + row_number() OVER (ORDER BY e.id, p.kind, p.position) AS id,
       e.id AS ebook_id, p.kind, p.position, j.id AS job_id
FROM ebooks AS e
JOIN generation_jobs AS j ON j.ebook_id = e.id
CROSS JOIN LATERAL (
    SELECT 'cover' AS kind, 0 AS position
    UNION ALL SELECT 'back_cover', 0
    UNION ALL SELECT 'content', n FROM generate_series(1, e.page_count) AS n
) AS p
WHERE e.id > :after
""")

_PAGES = text("""
INSERT INTO pages (id, ebook_id, kind, position, current_version_id)
SELECT id, ebook_id, kind, position, id - :page_base + :version_base FROM seed_pages
""")

# 64 hex characters + .png: the shape of a real storage key (nothing is read from it).
_VERSIONS = text("""
INSERT INTO page_versions (id, page_id, generation_job_id, image_key, provider, model,
                           prompt, seed, quality)
SELECT id - :page_base + :version_base, id, job_id,
       md5(id::text) || md5('v' || id) || '.png', 'procedural', 'engine-v1', '', id, '{}'
FROM seed_pages
""")

_SEQUENCES = (
    "SELECT setval(pg_get_serial_sequence('pages', 'id'), (SELECT max(id) FROM pages))",
    "SELECT setval(pg_get_serial_sequence('page_versions', 'id'), "
    "(SELECT max(id) FROM page_versions))",
)


def seed_books(connection: Connection, count: int, *, designs: int = 24) -> range:
    """Add `count` finished books of `designs` coloring pages; returns their ids.

    Needs a superuser (the embedded server's `postgres`): it skips the row-by-row
    foreign-key triggers for pages and versions, which it writes consistent anyway."""
    def scalar(sql: str) -> int:
        return connection.execute(text(sql)).scalar_one()

    after = scalar("SELECT coalesce(max(id), 0) FROM ebooks")
    bases = {"after": after, "page_base": scalar("SELECT coalesce(max(id), 0) FROM pages"),
             "version_base": scalar("SELECT coalesce(max(id), 0) FROM page_versions")}
    connection.execute(_BOOKS, {"count": count, "designs": designs})
    connection.execute(_JOBS, bases)
    connection.execute(_PLAN, bases)
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    connection.execute(_PAGES, bases)
    connection.execute(_VERSIONS, bases)
    connection.execute(text("SET LOCAL session_replication_role = origin"))
    for statement in _SEQUENCES:
        connection.execute(text(statement))
    connection.execute(text("DROP TABLE seed_pages"))
    return range(after + 1, after + count + 1)


def analyze(engine: Engine) -> None:
    """Fresh statistics and visibility map, as autovacuum leaves them after a while."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) ebooks, pages, page_versions, "
                                "generation_jobs"))
