"""Programmatic Alembic: the only way the schema is made, for the app and the tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, pool

from backoffice.config import PACKAGE_DIR

VERSION_TABLE = "backoffice_alembic_version"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def upgrade_on(connection: Connection, revision: str = "head") -> None:
    """Run the chain on `connection`, inside the transaction its caller holds."""
    config = alembic_config("")
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def status(url: str) -> tuple[str | None, str]:
    """(current revision in the database, head revision of the code)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
    finally:
        engine.dispose()
    return current, script.get_current_head() or ""
