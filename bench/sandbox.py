"""A throwaway installation for a benchmark: its own data folder and embedded PostgreSQL 16
(the default mode, DATABASE_URL unset), migrated, started by this process so the measured
children attach to a running server instead of each paying for its start."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sandbox:
    root: Path
    settings: object  # backoffice.config.Settings
    url: str  # SQLAlchemy URL of its database

    @property
    def env(self) -> dict[str, str]:
        """What a child process needs to use this installation (DATABASE_URL empty: an
        empty value also wins over a developer's .env file)."""
        return {"BACKOFFICE_DATA_DIR": str(self.root), "DATABASE_URL": "",
                "BACKOFFICE_WORKER": "external"}


@contextmanager
def sandbox(prefix: str = "bench-") -> Iterator[Sandbox]:
    from backoffice import migrate
    from backoffice.config import Settings
    from backoffice.database import (
        dispose_engines,
        sqlalchemy_url,
        start_embedded_server,
        stop_embedded_servers,
    )
    from backoffice.queue import close_deferrers

    # Short: the server's Unix socket lives under it.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        settings = Settings(_env_file=None, DATABASE_URL=None, BACKOFFICE_DATA_DIR=root,
                            BACKOFFICE_WORKER="external")
        start_embedded_server(settings.pgdata_dir)
        url = sqlalchemy_url(settings)
        migrate.upgrade(url)
        yield Sandbox(root, settings, url)
    finally:
        close_deferrers()
        dispose_engines()
        stop_embedded_servers()
        shutil.rmtree(root, ignore_errors=True)
