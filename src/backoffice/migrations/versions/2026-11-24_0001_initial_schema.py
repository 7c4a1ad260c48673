"""Books, pages, page versions, generation jobs and status history.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "ebooks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("subtitle", sa.String(200), nullable=False, server_default=""),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("theme", sa.String(64), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("trim_size", sa.String(16), nullable=False),
        sa.Column("paper", sa.String(16), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="DRAFT"),
        sa.Column("rejection_reason", sa.Text()),
        *_timestamps(),
        sa.CheckConstraint("status IN ('DRAFT', 'APPROVED', 'PUBLISHED', 'REJECTED')",
                           name=op.f("ck_ebooks_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ebooks")),
    )
    op.create_index("ix_ebooks_status_created_at", "ebooks", ["status", "created_at"])

    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ebook_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("current_version_id", sa.Integer()),
        sa.CheckConstraint("kind IN ('cover', 'back_cover', 'content')",
                           name=op.f("ck_pages_kind")),
        sa.ForeignKeyConstraint(["ebook_id"], ["ebooks.id"], ondelete="CASCADE",
                                name=op.f("fk_pages_ebook_id_ebooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("ebook_id", "kind", "position", name="uq_pages_ebook_kind_position"),
    )
    op.create_index(op.f("ix_pages_ebook_id"), "pages", ["ebook_id"])

    op.create_table(
        "generation_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ebook_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("step", sa.String(200), nullable=False, server_default=""),
        sa.Column("error", sa.Text()),
        sa.Column("params", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_generation_jobs_status"),
        ),
        sa.ForeignKeyConstraint(["ebook_id"], ["ebooks.id"], ondelete="CASCADE",
                                name=op.f("fk_generation_jobs_ebook_id_ebooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generation_jobs")),
    )
    op.create_index(op.f("ix_generation_jobs_ebook_id"), "generation_jobs", ["ebook_id"])

    op.create_table(
        "page_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("generation_job_id", sa.Integer()),
        sa.Column("image_key", sa.String(128), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False, server_default=""),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("quality", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], ondelete="CASCADE",
                                name=op.f("fk_page_versions_page_id_pages")),
        sa.ForeignKeyConstraint(["generation_job_id"], ["generation_jobs.id"],
                                ondelete="SET NULL",
                                name=op.f("fk_page_versions_generation_job_id_generation_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_versions")),
    )
    op.create_index(op.f("ix_page_versions_page_id"), "page_versions", ["page_id"])
    op.create_index(op.f("ix_page_versions_generation_job_id"), "page_versions",
                    ["generation_job_id"])
    op.create_foreign_key("fk_pages_current_version_id_page_versions", "pages", "page_versions",
                          ["current_version_id"], ["id"], ondelete="SET NULL")

    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ebook_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["ebook_id"], ["ebooks.id"], ondelete="CASCADE",
                                name=op.f("fk_status_changes_ebook_id_ebooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    op.create_index(op.f("ix_status_changes_ebook_id"), "status_changes", ["ebook_id"])


def downgrade() -> None:
    op.drop_table("status_changes")
    op.drop_constraint("fk_pages_current_version_id_page_versions", "pages", type_="foreignkey")
    op.drop_table("page_versions")
    op.drop_table("generation_jobs")
    op.drop_table("pages")
    op.drop_table("ebooks")
