"""The cover template chosen for a book (hero, fan, grid, framed); NULL means the theme's
default.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ebooks", sa.Column("cover_template", sa.String(16)))


def downgrade() -> None:
    op.drop_column("ebooks", "cover_template")
