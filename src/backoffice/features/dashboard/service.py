"""The dashboard's reads: counts per status and the filtered, sorted, paginated list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BindParameter, bindparam, func, or_, select
from sqlalchemy.orm import Session

from backoffice.models import EBOOK_STATUSES, JOB_ACTIVE, Ebook, GenerationJob, Page

# Each sort, tie-break included, is the order of one index (migration 0012), read forwards
# or backwards, so a page of the list reads its rows and never sorts the table.
SORTS = {
    "newest": (Ebook.created_at.desc(), Ebook.id.desc()),
    "oldest": (Ebook.created_at.asc(), Ebook.id.asc()),
    "title": (func.lower(Ebook.title).asc(), Ebook.id.asc()),
    "author": (func.lower(Ebook.author).asc(), Ebook.id.asc()),
}


@dataclass
class EbookPage:
    items: list[Ebook]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.size + 1

    @property
    def last_item(self) -> int:
        return min(self.page * self.size, self.total)


def stats(session: Session) -> dict[str, int]:
    """One round trip; each count reads an index only (status, and the partial index of
    active jobs), never the table."""
    per_status = [select(func.count()).select_from(Ebook).where(Ebook.status == status)
                  .scalar_subquery() for status in EBOOK_STATUSES]
    # Literal statuses: a plan cached for parameters could not use the partial index.
    active_statuses: BindParameter[list[str]] = bindparam(
        "active_statuses", list(JOB_ACTIVE), expanding=True, literal_execute=True)
    generating = (select(func.count(func.distinct(GenerationJob.ebook_id)))
                  .where(GenerationJob.status.in_(active_statuses)).scalar_subquery())
    *counts, active = session.execute(select(*per_status, generating)).one()
    result = {status.lower(): count for status, count in zip(EBOOK_STATUSES, counts,
                                                             strict=True)}
    result["total"] = sum(counts)
    result["generating"] = active
    return result


def list_ebooks(session: Session, *, status: str | None = None, query: str | None = None,
                sort: str = "newest", page: int = 1, size: int = 15) -> EbookPage:
    filters = []
    if status:
        filters.append(Ebook.status == status)
    if query:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        filters.append(or_(Ebook.title.ilike(pattern), Ebook.author.ilike(pattern)))
    total = session.scalar(select(func.count()).select_from(Ebook).where(*filters)) or 0
    items = session.scalars(
        select(Ebook).where(*filters).order_by(*SORTS.get(sort, SORTS["newest"]))
        .offset((page - 1) * size).limit(size)
    ).all()
    return EbookPage(list(items), total, page, size)


def incomplete(session: Session, ebook_ids: list[int]) -> set[int]:
    """The listed books with a page that has no image yet: a cancelled or failed
    regeneration of any other book leaves it complete, with its earlier pages."""
    if not ebook_ids:
        return set()
    return set(session.scalars(select(Page.ebook_id).where(
        Page.ebook_id.in_(ebook_ids), Page.current_version_id.is_(None)).distinct()))
