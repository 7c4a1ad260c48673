"""One book: loading it (or 404), its pages, versions, jobs, exports and history.

Every other feature reads books through here, so "this page belongs to this book" is
checked in exactly one place.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from backoffice.errors import N_, NotFound
from backoffice.models import (
    JOB_ACTIVE,
    Ebook,
    Export,
    GenerationJob,
    Page,
    PageVersion,
    StatusChange,
)


def get_ebook(session: Session, ebook_id: int) -> Ebook:
    """The book with its pages and their current versions, or NotFound."""
    ebook = session.scalar(
        select(Ebook).where(Ebook.id == ebook_id)
        .options(selectinload(Ebook.pages).selectinload(Page.current_version))
    )
    if ebook is None:
        raise NotFound(N_("Book %(ebook_id)s does not exist."), ebook_id=ebook_id)
    return ebook


def load_for_update(session: Session, ebook_id: int) -> Ebook:
    """The book row, locked: two editors clicking at once must not both pass a check."""
    ebook = session.get(Ebook, ebook_id, with_for_update=True)
    if ebook is None:
        raise NotFound(N_("Book %(ebook_id)s does not exist."), ebook_id=ebook_id)
    return ebook


def page_in_book(session: Session, ebook_id: int, page_id: int) -> Page:
    page = session.get(Page, page_id)
    if page is None or page.ebook_id != ebook_id:
        raise NotFound(N_("Page %(page_id)s is not in this book."), page_id=page_id)
    return page


def version_of_page(session: Session, page: Page, version_id: int) -> PageVersion:
    version = session.get(PageVersion, version_id)
    if version is None or version.page_id != page.id:
        raise NotFound(N_("Version %(version_id)s is not a version of this page."),
                       version_id=version_id)
    return version


def job_of_book(session: Session, ebook_id: int, job_id: int, *,
                for_update: bool = False) -> GenerationJob:
    job = session.get(GenerationJob, job_id, with_for_update=for_update)
    if job is None or job.ebook_id != ebook_id:
        raise NotFound(N_("Generation %(job_id)s does not exist for this book."), job_id=job_id)
    return job


def ordered_pages(ebook: Ebook) -> list[Page]:
    """Cover, back cover, then content pages in reading order."""
    rank = {"cover": 0, "back_cover": 1, "content": 2}
    return sorted(ebook.pages, key=lambda p: (rank[p.kind], p.position))


def pages_of(session: Session, ebook_id: int) -> list[Page]:
    return list(session.scalars(select(Page).where(Page.ebook_id == ebook_id)))


def content_pages(pages: list[Page]) -> list[Page]:
    return sorted((p for p in pages if p.kind == "content"), key=lambda p: p.position)


def versions(session: Session, page: Page) -> list[PageVersion]:
    return list(session.scalars(select(PageVersion).where(PageVersion.page_id == page.id)
                                .order_by(PageVersion.id.desc())))


def latest_jobs(session: Session, ebook_ids: list[int]) -> dict[int, GenerationJob]:
    if not ebook_ids:
        return {}
    newest = (select(func.max(GenerationJob.id)).where(GenerationJob.ebook_id.in_(ebook_ids))
              .group_by(GenerationJob.ebook_id))
    jobs = session.scalars(select(GenerationJob).where(GenerationJob.id.in_(newest))).all()
    return {job.ebook_id: job for job in jobs}


def active_job(session: Session, ebook_id: int) -> GenerationJob | None:
    return session.scalar(select(GenerationJob).where(
        GenerationJob.ebook_id == ebook_id, GenerationJob.status.in_(JOB_ACTIVE))
        .order_by(GenerationJob.id.desc()).limit(1))


def latest_export(session: Session, ebook_id: int) -> Export | None:
    return session.scalar(select(Export).where(Export.ebook_id == ebook_id)
                          .order_by(Export.id.desc()).limit(1))


def history(session: Session, ebook_id: int) -> list[StatusChange]:
    return list(session.scalars(select(StatusChange).where(StatusChange.ebook_id == ebook_id)
                                .order_by(StatusChange.created_at.desc(),
                                          StatusChange.id.desc())))


def legacy_pdf_size(session: Session, ebook: Ebook) -> int | None:
    """Bytes of the PDF the previous system made of this book, kept in legacy.ebooks by
    the adoption (README: Coming from the previous backoffice); None when there is none."""
    if ebook.legacy_ebook_id is None:
        return None
    kept = session.scalar(text(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = 'legacy' "
        "AND table_name = 'ebooks' AND column_name = 'ebook_bytes'"))
    if kept is None:  # the team dropped the schema, or its revision had no PDFs yet
        return None
    size = session.scalar(text("SELECT length(ebook_bytes) FROM legacy.ebooks WHERE id = :id"),
                          {"id": ebook.legacy_ebook_id})
    return int(size) if size else None


def legacy_pdf(session: Session, ebook: Ebook) -> bytes:
    if not legacy_pdf_size(session, ebook):
        raise NotFound(N_("The previous system kept no PDF of this book."))
    data = session.scalar(text("SELECT ebook_bytes FROM legacy.ebooks WHERE id = :id"),
                          {"id": ebook.legacy_ebook_id})
    return bytes(data)
