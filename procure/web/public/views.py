"""Public pages, no login: the front page, the purchase list and each purchase."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from procure import clock
from procure.db import get_engine, get_session
from procure.domain.purchases import CONTRACT_TYPES as TYPES
from procure.domain.purchases import (
    DEADLINE_WINDOWS,
    LIST_STATUSES,
    PROCEDURES,
    SORTS,
    VALUE_BANDS,
    PurchaseFilters,
    oslo_today,
    page_window,
    parse_filters,
    query_items,
)
from procure.services import public as public_service
from procure.web.public import bp
from procure.web.public.cache import anonymous_page, cache
from procure.web.public.documents import published_documents
from procure.web.public.labels import divisions, lang, window_label


@bp.get("/livez")
def livez():
    """Liveness (the process answers) and the benchmark's baseline: no database, no session."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/healthz")
def healthz():
    """Readiness for load balancers: `SELECT 1` through the engine. The body never says why
    the database is unreachable; the log does."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.error("Health check: database unavailable: %s",
                                 type(error).__name__)
        return Response("database unavailable\n", status=503, mimetype="text/plain",
                        headers={"Cache-Control": "no-store", "Retry-After": "30"})
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


def feed_links(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    """<link rel=alternate> and visible links for the feeds, with the list's filters."""
    kinds = (("atom", "application/atom+xml", _("Atom feed")),
             ("ics", "text/calendar", _("Calendar (iCal)")),
             ("csv", "text/csv", _("Spreadsheet (CSV)")),
             ("json", "application/json", _("Open data (OCDS JSON)")))
    return [{"href": url_for(f"public.purchases_{kind}") + _query(items), "type": mime,
             "title": title, "kind": kind} for kind, mime, title in kinds]


def _query(items: list[tuple[str, str]]) -> str:
    return "?" + urlencode(items) if items else ""


def _version() -> tuple[str, str]:
    latest, highest = public_service.data_version(get_session())
    return str(latest), str(highest)


def _page_key(kind: str, today, version: tuple[str, str]) -> tuple:
    """What a whole anonymous page depends on: the exact address (it is echoed in the
    language form), the language, the day and the public data version."""
    return (kind, request.full_path, lang(), today.isoformat(), *version)


def cached_fragment(kind: str, key: tuple, version: tuple[str, str], template: str,
                    context) -> Markup:
    """Render a template that is the same for every visitor in one language, or reuse this
    process's rendering of it for the same public data version. `context` is a function,
    so the queries behind a cached fragment are not even run."""
    full_key = (kind, lang(), *version, *key)
    html = cache().get_or_render(full_key, lambda: render_template(template, **context()))
    return Markup(html)  # noqa: S704 (our own autoescaped template output)


@bp.get("/")
def index():
    now = clock.now()
    today = oslo_today(now)

    def context() -> dict:
        session = get_session()
        return {"open_now": public_service.feed_items(
                    session, PurchaseFilters(status=("open",)), today=today, limit=8),
                "invitation_only": public_service.feed_items(
                    session, PurchaseFilters(status=("invitation",)), today=today, limit=4),
                "planned": public_service.feed_items(
                    session, PurchaseFilters(status=("planned",), sort="newest"), today=today,
                    limit=6),
                "counts": public_service.counts_by_status(session),
                "events": public_service.upcoming_events(session, now=now, limit=4),
                "feeds": feed_links([]), "today": today}

    version = _version()

    def render(**extra) -> str:
        content = cached_fragment("index", (today.isoformat(),), version,
                                  "public/_index_content.html", context)
        return render_template("public/index.html", content=content, feeds=feed_links([]),
                               **extra)

    return anonymous_page(_page_key("index", today, version), render)


@bp.get("/purchases")
def purchases():
    filters = parse_filters(request.args)
    today = clock.today()

    def context() -> dict:
        result = public_service.search(get_session(), filters, today=today)

        def page_url(number: int) -> str:
            return url_for("public.purchases") + _query(query_items(filters.with_page(number)))

        return {
            "filters": filters, "result": result, "today": today, "page_url": page_url,
            "window": page_window(result.page, result.pages), "lang": lang(),
            "feeds": feed_links(query_items(filters, page=False, sort=False)),
            "options": {
                "divisions": divisions(), "types": TYPES,
                "bands": [b.key for b in VALUE_BANDS] + ["unknown"],
                "procedures": PROCEDURES, "statuses": LIST_STATUSES,
                "windows": [(key, window_label(key)) for key in DEADLINE_WINDOWS],
                "sorts": SORTS,
            },
        }

    key = (urlencode(query_items(filters)), bool(filters.invalid), today.isoformat())
    version = _version()

    def render(**extra) -> str:
        content = cached_fragment("purchases", key, version, "public/_purchases_content.html",
                                  context)
        return render_template(
            "public/purchases.html", content=content, page=filters.page,
            feeds=feed_links(query_items(filters, page=False, sort=False)), **extra)

    return anonymous_page(_page_key("purchases", today, version), render)


@bp.get("/purchases/<int:purchase_id>")
def purchase(purchase_id: int):
    session = get_session()
    item = public_service.get_purchase(session, purchase_id)
    if item is None:
        abort(404)
    now = clock.now()
    return render_template("public/purchase.html", purchase=item, now=now,
                           today=oslo_today(now), lang=lang(),
                           documents=published_documents(purchase_id, item.status))


from procure.web.public import feeds, interest  # noqa: E402,F401
