"""Drop the cost-tracking tables a database of the previous system may still hold.

The previous system's own clean-up named tables that never existed, so they
survived. This product tracks no cost, deliberately: nothing else is touched.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LEGACY_TABLES = ("token_usage", "token_usages", "image_usages", "cost_calculation")


def upgrade() -> None:
    for table in LEGACY_TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")


def downgrade() -> None:
    # Nothing to restore: the data was never this product's, and it is gone.
    pass
