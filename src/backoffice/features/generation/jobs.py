"""Generation jobs: fan out one idempotent job per page, then assemble the PDFs.

Every step checks what is already done for its generation job before working, so a
retry after a crash (or a duplicate delivery) resumes instead of redoing pages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import procrastinate
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backoffice.art.imports.errors import BadFile
from backoffice.config import Settings
from backoffice.database import session_scope
from backoffice.features.export import service as export_service
from backoffice.features.generation import faults
from backoffice.features.generation.progress import step_text
from backoffice.features.generation.service import FINISHED
from backoffice.features.generation.uploaded import uploaded_page_image
from backoffice.kdp import pixels, specs
from backoffice.models import Ebook, GenerationJob, Page, PageVersion
from backoffice.providers import GenerationCancelled
from backoffice.providers.drawing import PageProgress, PageSpec, make_page_image, page_seed
from backoffice.queue import enqueue, queue_app, transaction
from backoffice.storage import get_storage

logger = logging.getLogger(__name__)

# Provider faults are retried in one place, where they happen (the HTTP adapters, with
# backoff); a page whose provider still fails fails the job with the provider's words.
# The queue retries transient faults (database, disk) with backoff, redelivers the jobs
# of workers that died, and every other failure ends the job visibly (faults.py).


def _settings(context: procrastinate.JobContext) -> Settings:
    return context.additional_context["settings"]


def _now() -> datetime:
    return datetime.now(UTC)


def _done_pages(session: Session, job: GenerationJob) -> set[int]:
    rows = session.scalars(
        select(PageVersion.page_id).where(PageVersion.generation_job_id == job.id)
    )
    return set(rows)


@queue_app.task(name="ebook.generate", pass_context=True, retry=faults.RETRY)
def generate(context: procrastinate.JobContext, generation_job_id: int) -> None:
    """Start a generation job: queue every page that this job has not produced yet."""
    with faults.failing_visibly(context, generation_job_id):
        _generate(context, generation_job_id)


def _generate(context: procrastinate.JobContext, generation_job_id: int) -> None:
    settings = _settings(context)
    with transaction(settings) as session:
        job = session.get(GenerationJob, generation_job_id, with_for_update=True)
        if job is None or job.status in FINISHED:
            return
        job.status, job.started_at = "running", job.started_at or _now()
        job.step = job.step if job.step != "queued" else "pages"
        done = _done_pages(session, job)
        pages = session.scalars(
            select(Page).where(Page.id.in_(job.params.get("page_ids", [])))
        ).all()
        todo = [p.id for p in pages if p.id not in done and not _waits(p, pages, done)]
        for page_id in todo:
            enqueue(session, "ebook.generate_page",
                    queueing_lock=f"page-{generation_job_id}-{page_id}",
                    generation_job_id=generation_job_id, page_id=page_id)
        if len(done) >= len(pages):
            enqueue(session, "ebook.finalize", queueing_lock=f"finalize-{generation_job_id}",
                    generation_job_id=generation_job_id)


def _waits(page: Page, pages: Sequence[Page], done: set[int]) -> bool:
    """Covers are made from the book's pages, and the back from the front: a cover waits
    for this job's pages, a back cover for this job's cover too."""
    pending = {p.kind for p in pages if p.id not in done}
    if page.kind == "cover":
        return "content" in pending
    if page.kind == "back_cover":
        return "content" in pending or "cover" in pending
    return False


def _cover_inputs(session: Session, ebook: Ebook, page: Page, settings: Settings) -> dict:
    """What a cover is drawn from: a spread of the book's current pages, and for the back
    the stored front (its image and its design)."""
    from backoffice.art.cover import pages_needed, pick_pages
    from backoffice.art.themes import themes_in

    storage = get_storage(settings)
    content = session.scalars(select(PageVersion).join(
        Page, Page.current_version_id == PageVersion.id).where(
        Page.ebook_id == ebook.id, Page.kind == "content").order_by(Page.position)).all()
    theme = themes_in(str(settings.themes_dir)).get(ebook.theme)
    template = ebook.cover_template or (theme.default_cover_template(ebook.audience)
                                        if theme else "hero")
    inputs: dict = {"template": template, "language": settings.language,
                    "blurb": ebook.blurb or ""}
    if page.kind == "cover":
        chosen = pick_pages(len(content), pages_needed(template))
    else:
        # The back shows other pages than the front's first one where the book has them.
        spread = pick_pages(len(content), 5)
        chosen = spread[1:] if len(spread) > 4 else spread
        cover = session.scalar(select(Page).where(Page.ebook_id == ebook.id,
                                                  Page.kind == "cover"))
        if cover is not None and cover.current_version is not None:
            front = cover.current_version
            inputs["cover_png"] = storage.get(front.image_key)
            inputs["cover_meta"] = front.quality
            inputs["cover_provider"] = (front.provider, front.model)
    inputs["page_pngs"] = tuple(storage.get(content[i].image_key) for i in chosen)
    return inputs


def _load_spec(session: Session, job: GenerationJob, page: Page, settings: Settings) -> PageSpec:
    ebook = session.get(Ebook, page.ebook_id)
    assert ebook is not None
    overrides = job.params.get("overrides", {}).get(str(page.id), {})
    covers = _cover_inputs(session, ebook, page, settings) if page.kind != "content" else {}
    return PageSpec(
        kind=page.kind, position=page.position, theme_id=ebook.theme, audience=ebook.audience,
        trim=ebook.trim_size, designs=ebook.page_count,
        interior_pages=pixels.book_interior_pages(ebook), book_seed=ebook.seed,
        seed=overrides.get("seed", page_seed(ebook.seed, page.kind, page.position)),
        title=ebook.title, subtitle=ebook.subtitle, author=ebook.author,
        prompt_override=overrides.get("prompt"), **covers,
    )


# A sampler reports every step; the job row is written at most this often per page.
PROGRESS_SECONDS = 0.5


def _progress_writer(settings: Settings, job_id: int, spec: PageSpec) -> PageProgress:
    last = [0.0]

    def write(done: int, total: int, attempt: int) -> None:
        if total <= 1 and attempt <= 1:
            # A one-step drawing (the offline generator) has no steps worth showing:
            # "step 1 of 1" would only hide "Drawing page N of M". A redraw still says so.
            return
        now = time.monotonic()
        if now - last[0] < PROGRESS_SECONDS and done < total:
            return
        last[0] = now
        with session_scope(settings) as session:
            # Only while it runs: a finished or cancelled job keeps its last words.
            session.execute(update(GenerationJob).where(
                GenerationJob.id == job_id, GenerationJob.status == "running").values(
                step=step_text(spec.kind, spec.position, done, total, attempt)))

    return write


def _status(settings: Settings, job_id: int) -> str | None:
    with session_scope(settings) as session:
        return session.scalar(select(GenerationJob.status).where(GenerationJob.id == job_id))


@queue_app.task(name="ebook.generate_page", pass_context=True, retry=faults.RETRY)
def generate_page(context: procrastinate.JobContext, generation_job_id: int,
                  page_id: int) -> None:
    with faults.failing_visibly(context, generation_job_id, page_id=page_id):
        _generate_page(context, generation_job_id, page_id)


def _generate_page(context: procrastinate.JobContext, generation_job_id: int,
                   page_id: int) -> None:
    # A store that fails after its own retries (an S3 outage) is a fault like a disk's:
    # faults.classify says so, and "try again" resumes from the pages already stored.
    settings = _settings(context)
    with session_scope(settings) as session:
        job = session.get(GenerationJob, generation_job_id)
        page = session.get(Page, page_id)
        if job is None or page is None or job.status in FINISHED:
            return
        already = session.scalar(select(PageVersion.id).where(
            PageVersion.generation_job_id == job.id, PageVersion.page_id == page.id))
        spec = None if already else _load_spec(session, job, page, settings)
        source = job.params.get("sources", {}).get(str(page_id))

    if spec is not None and source is not None:
        try:
            image = uploaded_page_image(settings, spec, source)
        except BadFile as exc:  # damaged past what the upload's check could see
            # Final, not retried: the same file would fail the same way. The job says
            # which file, so the user can replace it.
            faults.mark_failed(settings, generation_job_id,
                               faults.Fault("file", f"{source.get('name')}: {exc}", False),
                               page_id=page_id)
            return
        key = get_storage(settings).put(image.png, ".png")
        _record_version(settings, generation_job_id, page_id, key, image)
    elif spec is not None:
        last_check = [0.0, False]

        def should_cancel() -> bool:
            # Polled by providers while they wait; one small query a second at most.
            if context.should_abort():
                return True
            if time.monotonic() - last_check[0] > 1.0:
                last_check[0] = time.monotonic()
                last_check[1] = _status(settings, generation_job_id) == "cancelled"
            return bool(last_check[1])

        try:
            image = make_page_image(settings, spec, should_cancel=should_cancel,
                                    on_progress=_progress_writer(settings, generation_job_id,
                                                                 spec))
        except GenerationCancelled:
            return
        key = get_storage(settings).put(image.png, ".png")
        # Which machine drew which page, in its own log (several workers share a book).
        logger.info("job %s: page %s drawn, stored as %s", generation_job_id, page_id, key)
        _record_version(settings, generation_job_id, page_id, key, image)
    _after_page(settings, generation_job_id, page_id)


def _record_version(settings: Settings, job_id: int, page_id: int, key: str, image) -> None:
    with session_scope(settings) as session:
        job = session.get(GenerationJob, job_id, with_for_update=True)
        if job is None or job.status in FINISHED:
            return
        duplicate = session.scalar(select(PageVersion.id).where(
            PageVersion.generation_job_id == job_id, PageVersion.page_id == page_id))
        if duplicate:
            return
        version = PageVersion(page_id=page_id, generation_job_id=job_id, image_key=key,
                              provider=image.provider, model=image.model, prompt=image.prompt,
                              seed=image.seed, quality=image.quality)
        session.add(version)
        session.flush()
        page = session.get(Page, page_id)
        assert page is not None
        page.current_version_id = version.id


def _after_page(settings: Settings, job_id: int, page_id: int) -> None:
    """Update progress; queue the back cover after the cover, and assembly at the end."""
    with transaction(settings) as session:
        job = session.get(GenerationJob, job_id, with_for_update=True)
        if job is None or job.status in FINISHED:
            return
        page_ids = job.params.get("page_ids", [])
        done_count = session.scalar(
            select(func.count(func.distinct(PageVersion.page_id))).where(
                PageVersion.generation_job_id == job_id)) or 0
        job.done = min(done_count, len(page_ids))
        # Pages that were waiting on this one (covers on pages, the back on the front).
        done = _done_pages(session, job)
        pages = session.scalars(select(Page).where(Page.id.in_(page_ids))).all()
        for waiting in pages:
            if waiting.id not in done and waiting.kind != "content" \
                    and not _waits(waiting, pages, done):
                enqueue(session, "ebook.generate_page",
                        queueing_lock=f"page-{job_id}-{waiting.id}",
                        generation_job_id=job_id, page_id=waiting.id)
        if done_count >= len(page_ids):
            job.step = "assembly"
            enqueue(session, "ebook.finalize", queueing_lock=f"finalize-{job_id}",
                    generation_job_id=job_id)
        else:
            job.step = "pages"


@queue_app.task(name="ebook.finalize", pass_context=True, retry=faults.RETRY)
def finalize(context: procrastinate.JobContext, generation_job_id: int) -> None:
    """Build both PDFs once, so the first download is instant, and close the job."""
    with faults.failing_visibly(context, generation_job_id, step="the PDF assembly"):
        _finalize(context, generation_job_id)


def _finalize(context: procrastinate.JobContext, generation_job_id: int) -> None:
    settings = _settings(context)
    with session_scope(settings) as session:
        job = session.get(GenerationJob, generation_job_id)
        if job is None or job.status in FINISHED:
            return
        ebook_id = job.ebook_id
    with session_scope(settings) as session:
        ebook = session.get(Ebook, ebook_id)
        assert ebook is not None
        # Builds both PDFs (cached) and records the preflight the book page shows,
        # with the line-art gate's verdict on every page; a book still short of pages
        # (adopted from the previous system, or imported) has no PDFs yet.
        if not specs.designs_missing(ebook.page_count):
            export_service.run_export(session, settings, ebook, actor="system")
        review = export_service.pages_failing_gate(session, ebook)
    with session_scope(settings) as session:
        job = session.get(GenerationJob, generation_job_id, with_for_update=True)
        if job is not None and job.status not in FINISHED:
            # Pages that failed the gate after every redraw: the book is drawn but an
            # editor must decide (regenerate, replace, or override at export).
            job.status = "needs_review" if review else "succeeded"
            job.step = "review" if review else "done"
            job.review_pages, job.finished_at = review, _now()
            job.done = job.total
