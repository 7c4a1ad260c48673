"""The plans PostgreSQL chooses for the queries a piece of code really sends: statements are
captured on their way to the server, then EXPLAINed with their own parameters."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

# Tables a dashboard query or a delete must never read from end to end at scale.
BIG_TABLES = frozenset({"ebooks", "pages", "page_versions", "generation_jobs",
                        "status_changes", "exports"})


def captured_selects(engine: Engine, work: Callable[[Session], object]
                     ) -> list[tuple[str, dict]]:
    """The SELECTs `work(session)` sends, with their parameters."""
    statements: list[tuple[str, dict]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            work(session)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def plan_nodes(engine: Engine, statement: str, parameters: dict) -> list[dict]:
    with engine.connect() as connection:
        raw = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement,
                                         parameters).scalar_one()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return list(_nodes(plan[0]["Plan"]))


def plan_problems(engine: Engine, statement: str, parameters: dict) -> list[str]:
    """What keeps a statement from reading only index entries it needs: sequential scans
    of big tables, sorts of their rows, or no index at all."""
    nodes = plan_nodes(engine, statement, parameters)
    problems = [f"Seq Scan on {n['Relation Name']}" for n in nodes
                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in BIG_TABLES]
    problems += ["Sort" for n in nodes if n["Node Type"] == "Sort"]
    if not any("Index" in n["Node Type"] for n in nodes):
        problems.append("no index used")
    return problems
