"""Read side: counts, the paginated list and one book with its pages and latest job."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from backoffice.errors import NotFound
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
    active_statuses = bindparam("active_statuses", list(JOB_ACTIVE), expanding=True,
                                literal_execute=True)
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


def latest_jobs(session: Session, ebook_ids: list[int]) -> dict[int, GenerationJob]:
    if not ebook_ids:
        return {}
    newest = (select(func.max(GenerationJob.id)).where(GenerationJob.ebook_id.in_(ebook_ids))
              .group_by(GenerationJob.ebook_id))
    jobs = session.scalars(select(GenerationJob).where(GenerationJob.id.in_(newest))).all()
    return {job.ebook_id: job for job in jobs}


def cover_pages(session: Session, ebook_ids: list[int]) -> dict[int, Page]:
    """The cover page of each listed book, in one query (not every page of every book)."""
    if not ebook_ids:
        return {}
    covers = session.scalars(select(Page).where(Page.ebook_id.in_(ebook_ids),
                                                Page.kind == "cover"))
    return {page.ebook_id: page for page in covers}


def get_ebook(session: Session, ebook_id: int) -> Ebook:
    ebook = session.scalar(
        select(Ebook).where(Ebook.id == ebook_id)
        .options(selectinload(Ebook.pages).selectinload(Page.current_version))
    )
    if ebook is None:
        raise NotFound(f"ebook {ebook_id} does not exist")
    return ebook


def ordered_pages(ebook: Ebook) -> list[Page]:
    """Cover, back cover, then content pages in reading order."""
    rank = {"cover": 0, "back_cover": 1, "content": 2}
    return sorted(ebook.pages, key=lambda p: (rank[p.kind], p.position))


def get_job(session: Session, ebook_id: int, job_id: int) -> GenerationJob:
    job = session.get(GenerationJob, job_id)
    if job is None or job.ebook_id != ebook_id:
        raise NotFound(f"job {job_id} does not exist for ebook {ebook_id}")
    return job
