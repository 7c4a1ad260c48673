"""Books adopted from the previous system: titles and authors of any length, and the id
of the row in `legacy.ebooks` each imported book came from.

The previous system's title and author columns were unbounded; cutting them to fit ours
would lose the team's text, so ours are unbounded too (the creation form keeps its own
limits). `legacy_ebook_id` makes the import idempotent and lets the book page offer the
previous system's PDF, which stays in `legacy.ebooks`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("ebooks", "title", type_=sa.Text(), existing_type=sa.String(200),
                    existing_nullable=False)
    op.alter_column("ebooks", "author", type_=sa.Text(), existing_type=sa.String(120),
                    existing_nullable=False)
    op.add_column("ebooks", sa.Column("legacy_ebook_id", sa.Integer()))
    op.create_unique_constraint(op.f("uq_ebooks_legacy_ebook_id"), "ebooks",
                                ["legacy_ebook_id"])


def downgrade() -> None:
    op.drop_constraint(op.f("uq_ebooks_legacy_ebook_id"), "ebooks", type_="unique")
    op.drop_column("ebooks", "legacy_ebook_id")
    # Longer texts (imported ones) would not fit back: refuse rather than cut them.
    op.execute("""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM ebooks WHERE length(title) > 200 OR length(author) > 120)
            THEN RAISE EXCEPTION 'a title or author is longer than 200/120 characters';
            END IF;
        END $$""")
    op.alter_column("ebooks", "author", type_=sa.String(120), existing_type=sa.Text(),
                    existing_nullable=False)
    op.alter_column("ebooks", "title", type_=sa.String(200), existing_type=sa.Text(),
                    existing_nullable=False)
