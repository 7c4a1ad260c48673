"""The dashboard's reads: counts per status and the filtered, sorted, paginated list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backoffice.models import EBOOK_STATUSES, JOB_ACTIVE, Ebook, GenerationJob

SORTS = {
    "newest": Ebook.created_at.desc(),
    "oldest": Ebook.created_at.asc(),
    "title": func.lower(Ebook.title).asc(),
    "author": func.lower(Ebook.author).asc(),
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
    counts = dict(session.execute(select(Ebook.status, func.count()).group_by(Ebook.status)).all())
    result = {status.lower(): counts.get(status, 0) for status in EBOOK_STATUSES}
    result["total"] = sum(counts.values())
    result["generating"] = session.scalar(
        select(func.count(func.distinct(GenerationJob.ebook_id))).where(
            GenerationJob.status.in_(JOB_ACTIVE))) or 0
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
        select(Ebook).where(*filters).order_by(SORTS.get(sort, SORTS["newest"]), Ebook.id.desc())
        .offset((page - 1) * size).limit(size)
    ).all()
    return EbookPage(list(items), total, page, size)
