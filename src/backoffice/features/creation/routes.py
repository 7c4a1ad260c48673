"""New books: the JSON API and the "Nouvel ebook" form, its theme hints and quick preview."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from backoffice.art.themes import AUDIENCES, Theme, themes_in
from backoffice.config import Settings
from backoffice.deps import Actor, SessionDep, SettingsDep
from backoffice.errors import N_, InvalidInput, Message, NotFound
from backoffice.features.book.schemas import CreatedEbook, EbookOut, JobOut
from backoffice.features.creation import preview, service
from backoffice.features.creation.schemas import EbookCreate
from backoffice.kdp import pixels, specs
from backoffice.kdp.furniture import FURNITURE
from backoffice.providers.config import page_generator
from backoffice.storage import get_storage
from backoffice.web import form_errors
from backoffice.web.feedback import field_label
from backoffice.web.templating import gettext_for, redirect, render, request_language

logger = logging.getLogger(__name__)
router = APIRouter()


class CreationForm(BaseModel):
    """The form as typed: every field text, checked into an EbookCreate afterwards so the
    form can be shown again with the reader's values and a message beside each field."""

    title: str = ""
    subtitle: str = ""
    author: str = ""
    theme: str = ""
    audience: str = ""
    trim_size: str = ""
    paper: str = ""
    page_count: str = ""
    seed: str = ""
    isbn: str = ""
    blurb: str = ""
    cover_template: str = ""
    # Present when the print options are on the form; unticked boxes are not sent at all.
    print_options: str | None = None
    single_sided: str | None = None
    front_matter: str | None = None
    page_numbers: str | None = None
    furniture_belongs_to: str | None = None
    furniture_how_to_use: str | None = None
    furniture_color_test: str | None = None
    furniture_thank_you: str | None = None

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {k: v.strip() for k, v in self.model_dump().items()
                                  if isinstance(v, str) and k != "print_options"
                                  and not k.startswith("furniture_")}
        if self.print_options is not None:
            for box in ("single_sided", "front_matter", "page_numbers",
                        *(f"furniture_{key}" for key in FURNITURE)):
                values[box] = getattr(self, box) in ("on", "true", "1")
        return values

    def checked(self) -> tuple[EbookCreate | None, dict[str, str]]:
        values = self.values()
        raw = {k: v for k, v in values.items()
               if (v != "" or k in ("title", "subtitle", "author"))
               and not k.startswith("furniture_")}
        if self.print_options is not None:
            raw["furniture"] = [key for key in FURNITURE if values[f"furniture_{key}"]]
        errors: dict[str, Any] = {}
        if values.get("page_count") == "":
            # Left empty, it is missing: not silently the default of 24.
            errors["page_count"] = {"type": "missing", "loc": ("page_count",)}
        try:
            data = EbookCreate.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                errors.setdefault(str(error["loc"][0]) if error["loc"] else "form", error)
            if "page_count" not in errors:
                # The page-count rule too, so every faulty field is marked at once.
                problem = _page_count_problem(raw)
                if problem is not None:
                    errors["page_count"] = problem
            return None, errors
        return (None, errors) if errors else (data, {})


def _page_count_problem(raw: dict[str, Any]) -> Message | None:
    defaults = EbookCreate.model_fields
    try:
        pixels.check_designs(
            int(raw.get("page_count", defaults["page_count"].default)),
            str(raw.get("trim_size", defaults["trim_size"].default)),
            str(raw.get("paper", defaults["paper"].default)),
            single_sided=bool(raw.get("single_sided", True)),
            front_matter=bool(raw.get("front_matter", True)),
            furniture=raw.get("furniture", ()))
    except specs.KdpError as exc:
        if str(raw.get("trim_size", "8.5x11")) in specs.TRIMS and str(
                raw.get("paper", "white")) in specs.PAPERS:
            return exc.message
    except ValueError:
        pass
    return None


def _localized(request: Request, errors: dict[str, Any]) -> dict[str, str]:
    gettext = gettext_for(request)
    return {field: error.translate(gettext) if isinstance(error, Message)
            else form_errors.localize(gettext, error) for field, error in errors.items()}


def _service_errors(request: Request, exc: InvalidInput) -> dict[str, str]:
    """The service's messages in the reader's language."""
    gettext = gettext_for(request)
    errors = form_errors.field_messages(gettext, exc)
    if "theme" in errors:  # the form lists the themes; their ids would not help
        errors["theme"] = gettext(N_("Choose one of the listed themes."))
    return errors


COVER_TEMPLATE_LABELS = {
    "hero": N_("One large coloured page"),
    "fan": N_("A fan of coloured pages"),
    "grid": N_("A grid of four coloured pages"),
    "framed": N_("A coloured page in a patterned frame"),
}


def cover_template_choices(gettext) -> list[tuple[str, str]]:
    return [(key, gettext(label)) for key, label in COVER_TEMPLATE_LABELS.items()]


def _form_context(request: Request, settings: Settings, values: dict[str, Any],
                  errors: dict[str, str]) -> dict[str, Any]:
    themes = themes_in(str(settings.themes_dir))
    theme = themes.get(values.get("theme", "")) or next(iter(themes.values()))
    return {
        **_hint_context(request, theme, str(values.get("audience", "children")), settings),
        "themes": themes, "audiences": AUDIENCES, "trims": specs.TRIMS, "papers": specs.PAPERS,
        "cover_templates": cover_template_choices(gettext_for(request)),
        "values": values, "errors": errors,
    }


def _hint_context(request: Request, theme: Theme, audience: str,
                  settings: Settings) -> dict[str, Any]:
    audience = audience if audience in AUDIENCES else "children"
    return {"sample_theme": theme, "sample_audience": audience,
            "generator": page_generator(settings),
            "suggested_title": service.suggest_title(theme, audience, request_language(request))}


@router.post("/api/ebooks", status_code=202, response_model=CreatedEbook, tags=["ebooks"],
             responses={422: {"description": "A field is invalid; `detail` names it"}})
def api_create_ebook(data: EbookCreate, session: SessionDep, settings: SettingsDep,
                     actor: Actor) -> CreatedEbook:
    ebook, job = service.create_ebook(session, settings, data, actor=actor)
    return CreatedEbook(ebook=EbookOut.model_validate(ebook), job=JobOut.model_validate(job))


@router.get("/ebooks/new", name="new_ebook", include_in_schema=False)
def new_ebook_form(request: Request, settings: SettingsDep) -> Response:
    defaults = {"audience": "children", "trim_size": "8.5x11", "paper": "white",
                "page_count": 24, "theme": next(iter(themes_in(str(settings.themes_dir)))),
                "single_sided": True, "front_matter": True, "page_numbers": False,
                **{f"furniture_{key}": True for key in FURNITURE}}
    return render(request, "creation/new.html", _form_context(request, settings, defaults, {}))


@router.post("/ebooks", name="create_ebook", include_in_schema=False)
def create_ebook_form(form: Annotated[CreationForm, Form()], request: Request,
                      session: SessionDep, settings: SettingsDep, actor: Actor) -> Response:
    data, invalid = form.checked()
    errors = _localized(request, invalid)
    if data is not None and not data.title:
        # The title suggested on the form is the one in the reader's language.
        theme = themes_in(str(settings.themes_dir)).get(data.theme)
        if theme is not None:
            data = data.model_copy(update={"title": service.suggest_title(
                theme, data.audience, request_language(request))})
    if data is not None:
        try:
            ebook, _job = service.create_ebook(session, settings, data, actor=actor)
        except InvalidInput as exc:
            errors.update(_service_errors(request, exc))
        else:
            return redirect(request, str(request.url_for("ebook_detail", ebook_id=ebook.id)))
    return render(request, "creation/new.html",
                  _form_context(request, settings, form.values(), errors), status_code=422)


@router.get("/themes/{theme_id}/sample.png", name="theme_sample", include_in_schema=False)
def theme_sample(theme_id: Annotated[str, Path(max_length=64)],
                 settings: SettingsDep,
                 audience: Annotated[str, Query(max_length=16)] = "children") -> Response:
    theme = themes_in(str(settings.themes_dir)).get(theme_id)
    if theme is None:
        raise NotFound(N_("There is no theme %(theme)s."), theme=theme_id)
    key = preview.theme_sample(settings, theme,
                               audience if audience in AUDIENCES else "children")
    return Response(get_storage(settings).get(key), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=86400"})


@router.get("/subjects", name="subject_library", include_in_schema=False)
def subject_library(request: Request, settings: SettingsDep) -> Response:
    """What the offline generator draws: the library's subjects, theme by theme, with the
    words a prompt may use for them."""
    from backoffice.art.subjects import catalogue

    themes = themes_in(str(settings.themes_dir))
    known = catalogue()
    used = {name for t in themes.values() if t.subjects is not None for name in t.subjects.main}
    return render(request, "creation/subjects.html", {
        "themes": [t for t in themes.values() if t.subjects is not None],
        "subjects": known, "others": sorted(set(known) - used)})


@router.get("/ebooks/new/theme", name="theme_hint", include_in_schema=False)
def theme_hint(request: Request, settings: SettingsDep,
               theme: Annotated[str, Query(max_length=64)] = "",
               audience: Annotated[str, Query(max_length=16)] = "children") -> Response:
    """The sample image and the suggested title, refreshed when theme or audience change."""
    themes = themes_in(str(settings.themes_dir))
    chosen = themes.get(theme) or next(iter(themes.values()))
    return render(request, "creation/_theme_hint.html",
                  _hint_context(request, chosen, audience, settings))


@router.post("/ebooks/preview", name="quick_preview", include_in_schema=False)
def quick_preview(form: Annotated[CreationForm, Form()], request: Request,
                  settings: SettingsDep) -> Response:
    """Cover + two pages at low resolution; nothing is saved in the database."""
    data, invalid = form.checked()
    errors = _localized(request, invalid)
    theme = None
    if data is not None:
        try:
            theme = service.validate_for_settings(data, settings)
        except InvalidInput as exc:
            errors.update(_service_errors(request, exc))
    if errors or data is None or theme is None:
        # 200: the fragment itself is the message, shown inline under the buttons.
        gettext = gettext_for(request)
        return render(request, "creation/_preview.html", {"errors": {
            field_label(gettext, field): message for field, message in errors.items()}})
    title = data.title or service.suggest_title(theme, data.audience, request_language(request))
    # Drawn here when none is given, and put back into the form (out of band), so the
    # book created next has these very pages.
    data = data.model_copy(update={"seed": data.seed_or_random()})
    try:
        images = preview.quick_preview(settings, data, theme, title)
    except Exception:  # a provider's failure must read as words, not a blank box
        logger.exception("quick preview failed")
        return render(request, "creation/_preview.html", {"failed": True}, status_code=502)
    return render(request, "creation/_preview.html", {"images": images, "title": title,
                                                      "seed": data.seed})


@router.get("/ebooks/preview/{key}", name="preview_image", include_in_schema=False)
def preview_image(key: Annotated[str, Path(max_length=80)], settings: SettingsDep) -> Response:
    storage = get_storage(settings)
    try:
        if not key.endswith(".png") or not storage.exists(key):
            raise ValueError(key)
    except ValueError:
        raise NotFound(N_("There is no such preview.")) from None
    return Response(storage.get(key), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})
