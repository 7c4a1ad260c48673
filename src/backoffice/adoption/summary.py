"""The few lines `db migrate` prints after adopting the previous system's database."""

from __future__ import annotations

from backoffice.adoption.adopt import Outcome
from backoffice.adoption.detect import LEGACY_SCHEMA

MAX_LISTED = 10


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def summary_lines(outcome: Outcome) -> list[str]:
    if not outcome.adopted:
        return []
    found, report = outcome.found, outcome.imported
    lines = [f"Adopted the previous system's database (its revision {found.revision}):",
             f"  moved into schema {LEGACY_SCHEMA}, unchanged: {_listed(outcome.moved)}"]
    if outcome.dropped:
        dropped = [f"{name.removeprefix('public.')} ({_plural(rows, 'row')})"
                   for name, rows in outcome.dropped.items()]
        lines.append(f"  dropped cost tables: {_listed(dropped)}")
    else:
        lines.append("  dropped cost tables: none were left")
    if found.extra_columns:
        lines.append(f"  kept in {LEGACY_SCHEMA}.ebooks but not imported: columns "
                     f"{', '.join(found.extra_columns)}")
    if report is None:
        return lines
    lines.append(f"  imported {_plural(report.books, 'book')}, {_plural(report.pages, 'page')}"
                 f" ({report.cleaned} content pages also cleaned to 1-bit line art)")
    for (theirs, ours), count in sorted(report.themes.items()):
        lines.append(f"  theme {theirs} is not one of ours: {_plural(count, 'book')} "
                     f"imported as {ours}")
    if report.short:
        books = [f"book {book_id} (add {_plural(missing, 'page')})"
                 for book_id, missing in report.short]
        lines.append(f"  need pages before export: {_listed(books)}")
    for problem in report.problems[:MAX_LISTED]:
        lines.append(f"  note: {problem}")
    if len(report.problems) > MAX_LISTED:
        lines.append(f"  ... and {len(report.problems) - MAX_LISTED} more")
    return lines
