"""Faults a user can see and act on: which page a failed generation stopped at and what
kind of fault it was, how often the sweeper re-queued it; login throttling per account+IP
and per IP (one row per key, claimed atomically) instead of one row per failed login.

Revision ID: 0010
Revises: 0011
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("generation_jobs", sa.Column("failed_page_id", sa.Integer()))
    op.create_foreign_key(op.f("fk_generation_jobs_failed_page_id_pages"), "generation_jobs",
                          "pages", ["failed_page_id"], ["id"], ondelete="SET NULL")
    op.add_column("generation_jobs", sa.Column("fault", sa.String(32)))
    op.add_column("generation_jobs", sa.Column("requeues", sa.Integer(), nullable=False,
                                               server_default="0"))
    # Active jobs are what the sweeper and /readyz look at.
    op.create_index("ix_generation_jobs_active", "generation_jobs", ["updated_at"],
                    postgresql_where=sa.text("status IN ('queued', 'running')"))

    op.create_table(
        "login_throttles",
        # "ip:<address>" or "account:<address>|<typed email>"
        sa.Column("key", sa.String(330), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_updated_at"), "login_throttles", ["updated_at"])
    op.drop_table("login_attempts")


def downgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    for column in ("email", "ip", "created_at"):
        op.create_index(op.f(f"ix_login_attempts_{column}"), "login_attempts", [column])
    op.drop_table("login_throttles")
    op.drop_index("ix_generation_jobs_active", table_name="generation_jobs")
    op.drop_column("generation_jobs", "requeues")
    op.drop_column("generation_jobs", "fault")
    op.drop_constraint(op.f("fk_generation_jobs_failed_page_id_pages"), "generation_jobs",
                       type_="foreignkey")
    op.drop_column("generation_jobs", "failed_page_id")
