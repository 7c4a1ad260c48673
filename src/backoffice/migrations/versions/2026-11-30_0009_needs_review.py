"""Generation outcome "needs_review": a book whose pages still fail the line-art gate
after their redraws is not "succeeded"; the failing pages are kept on the job.

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD = ("queued", "running", "succeeded", "failed", "cancelled")
NEW = (*OLD, "needs_review")


def _status_check(values: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_generation_jobs_status"), "generation_jobs", type_="check")
    op.create_check_constraint(op.f("ck_generation_jobs_status"), "generation_jobs",
                               f"status IN ({', '.join(repr(v) for v in values)})")


def upgrade() -> None:
    _status_check(NEW)
    # Content page positions that failed the gate when the job ended.
    op.add_column("generation_jobs", sa.Column("review_pages", postgresql.JSONB(),
                                               nullable=False, server_default="[]"))


def downgrade() -> None:
    # The outcome folds back into "succeeded", as it was reported before.
    op.execute("UPDATE generation_jobs SET status = 'succeeded' "
               "WHERE status = 'needs_review'")
    op.drop_column("generation_jobs", "review_pages")
    _status_check(OLD)
