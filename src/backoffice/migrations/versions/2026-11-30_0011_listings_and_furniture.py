"""KDP listings (one per book and language: amazon.fr in French, amazon.com in English)
and the book furniture chosen for a book.

A book without a listing row shows the listing written from its theme; a row holds the
listing once someone edited it. Existing books get no furniture, so their page count,
spine and art sizes stay as they were.

Revision ID: 0011
Revises: 0012
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ebooks", sa.Column("furniture", postgresql.JSONB(), nullable=False,
                                      server_default=sa.text("'[]'::jsonb")))
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ebook_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("subtitle", sa.Text(), nullable=False, server_default=""),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("keywords", postgresql.JSONB(), nullable=False,
                  server_default=sa.text("'[]'::jsonb")),
        sa.Column("categories", postgresql.JSONB(), nullable=False,
                  server_default=sa.text("'[]'::jsonb")),
        sa.Column("reading_age_min", sa.SmallInteger()),
        sa.Column("reading_age_max", sa.SmallInteger()),
        # NULL: the suggested price, which follows the page count.
        sa.Column("list_price", sa.Numeric(8, 2)),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.ForeignKeyConstraint(["ebook_id"], ["ebooks.id"], ondelete="CASCADE",
                                name=op.f("fk_listings_ebook_id_ebooks")),
        sa.CheckConstraint("language IN ('fr', 'en')", name=op.f("ck_listings_language")),
        sa.UniqueConstraint("ebook_id", "language", name="uq_listings_ebook_language"),
    )
    op.create_index(op.f("ix_listings_ebook_id"), "listings", ["ebook_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_listings_ebook_id"), table_name="listings")
    op.drop_table("listings")
    op.drop_column("ebooks", "furniture")
