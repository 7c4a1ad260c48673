"""Alembic environment: the URL comes from the caller or from the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from backoffice import models  # noqa: F401  (registers the tables on Base.metadata)
from backoffice.database import Base

VERSION_TABLE = "backoffice_alembic_version"


def _include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    # Procrastinate's objects come from its vendored SQL, not from our models.
    return not (name or "").startswith("procrastinate_")


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        # The caller owns the transaction (adoption runs the chain inside its own).
        _run(connection)
        return
    url = config.attributes.get("url")
    if url is None:
        from backoffice.config import get_settings
        from backoffice.database import sqlalchemy_url

        url = sqlalchemy_url(get_settings())
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
        if conn.in_transaction():
            conn.commit()
    engine.dispose()


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_object=_include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
