"""Create a book: the row, its pages and its generation job, in the caller's transaction
(the job is queued once that transaction commits)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice.art.themes import Theme, themes_in
from backoffice.config import Settings
from backoffice.errors import N_, InvalidInput, Message
from backoffice.features.creation.schemas import EbookCreate
from backoffice.features.generation import service as generation
from backoffice.kdp import furniture, pixels, specs
from backoffice.models import Ebook, GenerationJob, Page, StatusChange


def suggest_title(theme: Theme, audience: str, lang: str = "fr") -> str:
    label = theme.label.get(lang)
    if lang == "en":
        return f"{label} Coloring Book" + (" for Kids" if audience != "adults" else "")
    return f"{label} : livre de coloriage" + (" pour enfants" if audience != "adults" else "")


def validate_for_settings(data: EbookCreate, settings: Settings) -> Theme:
    """Checks that need configuration: the theme exists and KDP's page limits hold."""
    themes = themes_in(str(settings.themes_dir))
    errors: dict[str, str | Message] = {}
    theme = themes.get(data.theme)
    if theme is None:
        errors["theme"] = Message(N_("unknown theme %(theme)s; choose one of %(known)s"),
                                  {"theme": repr(data.theme), "known": ", ".join(themes)})
    try:
        pixels.check_designs(data.page_count, data.trim_size, data.paper,
                             single_sided=data.single_sided, front_matter=data.front_matter,
                             furniture=data.furniture)
    except specs.KdpError as exc:
        errors["page_count"] = exc.message
    if errors:
        raise InvalidInput(errors)
    assert theme is not None
    return theme


def create_ebook(session: Session, settings: Settings, data: EbookCreate, *,
                 actor: str = "system") -> tuple[Ebook, GenerationJob]:
    theme = validate_for_settings(data, settings)
    ebook = Ebook(
        title=data.title or suggest_title(theme, data.audience, settings.language),
        subtitle=data.subtitle,
        author=data.author,
        theme=data.theme,
        audience=data.audience,
        trim_size=data.trim_size,
        paper=data.paper,
        page_count=data.page_count,
        seed=data.seed_or_random(),
        status="DRAFT",
        isbn=data.isbn,
        single_sided=data.single_sided,
        front_matter=data.front_matter,
        furniture=list(furniture.normalise(data.furniture)),
        page_numbers=data.page_numbers,
        blurb=data.blurb or None,
        cover_template=data.cover_template,
    )
    ebook.pages = [Page(kind="cover", position=0)]
    ebook.pages += [Page(kind="content", position=i) for i in range(1, data.page_count + 1)]
    ebook.pages.append(Page(kind="back_cover", position=0))
    session.add(ebook)
    session.flush()
    session.add(StatusChange(ebook_id=ebook.id, from_status=None, to_status="DRAFT",
                             actor=actor, reason=None))
    job = generation.start(session, ebook, kind="generate",
                           page_ids=[page.id for page in ebook.pages])
    return ebook, job
