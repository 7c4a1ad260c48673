"""Per-book print options (ISBN, single-sided, front matter, page numbers, blurb) and the
exports table holding each KDP preflight report.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ebooks", sa.Column("isbn", sa.String(13)))
    op.add_column("ebooks", sa.Column("single_sided", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.add_column("ebooks", sa.Column("front_matter", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.add_column("ebooks", sa.Column("page_numbers", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.add_column("ebooks", sa.Column("blurb", sa.Text()))
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ebook_id", sa.Integer(), nullable=False),
        sa.Column("interior_key", sa.String(128), nullable=False),
        sa.Column("cover_key", sa.String(128), nullable=False),
        sa.Column("interior_pages", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("report", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("override_by", sa.String(200)),
        sa.Column("override_reason", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["ebook_id"], ["ebooks.id"], ondelete="CASCADE",
                                name=op.f("fk_exports_ebook_id_ebooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    op.create_index(op.f("ix_exports_ebook_id"), "exports", ["ebook_id"])


def downgrade() -> None:
    op.drop_table("exports")
    for column in ("blurb", "page_numbers", "front_matter", "single_sided", "isbn"):
        op.drop_column("ebooks", column)
