"""Indexes for deletes and the dashboard at 10,000 books.

- pages.current_version_id: deleting a page version (with its page, or with its book)
  sets this foreign key to NULL, which scanned every page of every book without it;
- the dashboard's sorts (newest/oldest, title, author), with and without a status filter,
  read the first rows of an index instead of sorting the whole table;
- the "generating" count reads a partial index of the few active jobs.

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pages_current_version_id", "pages", ["current_version_id"])
    op.create_index("ix_ebooks_created_at_id", "ebooks", ["created_at", "id"])
    op.create_index("ix_ebooks_status_created_at_id", "ebooks", ["status", "created_at", "id"])
    op.create_index("ix_ebooks_lower_title_id", "ebooks", [sa.text("lower(title)"), "id"])
    op.create_index("ix_ebooks_lower_author_id", "ebooks", [sa.text("lower(author)"), "id"])
    op.create_index("ix_generation_jobs_active_ebook_id", "generation_jobs", ["ebook_id"],
                    postgresql_where=sa.text("status IN ('queued', 'running')"))


def downgrade() -> None:
    op.drop_index("ix_generation_jobs_active_ebook_id", table_name="generation_jobs")
    op.drop_index("ix_ebooks_lower_author_id", table_name="ebooks")
    op.drop_index("ix_ebooks_lower_title_id", table_name="ebooks")
    op.drop_index("ix_ebooks_status_created_at_id", table_name="ebooks")
    op.drop_index("ix_ebooks_created_at_id", table_name="ebooks")
    op.drop_index("ix_pages_current_version_id", table_name="pages")
