"""What the three provider fakes share: a script of behaviours, one per request, then "ok"."""

from __future__ import annotations

from collections import deque
from typing import Self


class ScriptedFake:
    def __init__(self) -> None:
        self.script: deque[str] = deque()

    def then(self, *behaviours: str) -> Self:
        """Queue how the next requests are answered ("429", "slow", "no_image", ...)."""
        self.script.extend(behaviours)
        return self

    def next_behaviour(self) -> str:
        return self.script.popleft() if self.script else "ok"
