"""Index generation_jobs.failed_page_id (partial: only failed jobs carry one).

Deleting a page sets this foreign key to NULL where it points at the page; without an
index each deleted page, and each page of a deleted book, scanned every generation job
(tests/integration/test_query_plans.py).

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_generation_jobs_failed_page_id", "generation_jobs", ["failed_page_id"],
                    postgresql_where=sa.text("failed_page_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_generation_jobs_failed_page_id", table_name="generation_jobs")
