"""Keeps a queue worker running through database outages, and stops it on SIGTERM/SIGINT.

Procrastinate's worker stops when its database connection fails (a heartbeat or a fetch
raises), and `backoffice worker` used to exit with it about 90 s into an outage, for
good. Here the worker is started again, with backoff (1 s doubling to 30 s), until the
database answers; it never exits on its own. Jobs it was running are handed back by the
stalled-job recovery, and every job step resumes from what is already done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from dataclasses import dataclass, field

from backoffice.config import Settings

logger = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
# A worker that ran this long before failing was healthy: the next wait starts over.
HEALTHY_AFTER = 60.0


@dataclass
class WorkerStatus:
    """What /readyz reports about the in-process worker."""

    state: str = "starting"  # starting, running, reconnecting
    since: float = field(default_factory=time.monotonic)
    error: str = ""
    restarts: int = 0

    def set(self, state: str, error: str = "") -> None:
        self.state, self.error, self.since = state, error, time.monotonic()


async def supervise(settings: Settings, *, name: str,
                    status: WorkerStatus | None = None) -> None:
    """Run a worker until cancelled, starting it again whenever it stops."""
    from backoffice.queue import worker_running

    status = status or WorkerStatus()
    delay = FIRST_DELAY
    while True:
        started = time.monotonic()
        try:
            async with worker_running(settings, name=name) as task:
                status.set("running")
                await task
            problem = "the worker stopped"
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # we are asked to stop
            problem = "the worker was cancelled"
        except Exception as exc:  # the database away, most often: try again later
            problem = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        if time.monotonic() - started > HEALTHY_AFTER:
            delay = FIRST_DELAY
        status.restarts += 1
        status.set("reconnecting", problem)
        logger.warning("worker %s stopped (%s); starting it again in %.0f s", name, problem,
                       delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_DELAY)


def run_until_signalled(settings: Settings, *, name: str) -> None:
    """`backoffice worker`: supervise a worker until SIGTERM or SIGINT, then let running
    jobs finish (up to the worker's graceful timeout) and return."""

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await supervise(settings, name=name)

    asyncio.run(main())
