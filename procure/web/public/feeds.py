"""Feeds and open data: Atom, iCalendar, CSV and OCDS JSON, with the list's filters.

Every feed answers conditional requests. The validator is computed from a cheap aggregate
(how many purchases match, and when the last of them changed) before anything is rendered,
so a feed reader polling an unchanged feed costs one small query and gets 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlencode

from flask import Response, abort, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from procure import clock
from procure.db import get_session
from procure.domain.purchases import PurchaseFilters, oslo_today, parse_filters, query_items
from procure.exports import feeds as feed_export
from procure.exports import ocds
from procure.models import Organisation
from procure.services import public as public_service
from procure.services.tenders import default_organisation
from procure.web import params
from procure.web.filters import TRACK_LABELS, label
from procure.web.public import bp
from procure.web.public.cache import cache
from procure.web.public.labels import (
    CLIMATE_BASIS_LABELS,
    cpv_label,
    feed_labels,
    lang,
    public_url,
)

# Bump when the output format changes, so cached copies are not reused across a release.
FORMAT = "1"
MAX_AGE = 300
ATOM_ENTRIES = 50
CALENDAR_PURCHASES = 1000
OCDS_PAGE = 100
CSV_LIMIT = 50_000


def _locale() -> str:
    return params.choice("lang", current_app.config["LANGUAGES"]) or lang()


def _validators(kind: str, filters: PurchaseFilters, today: date,
                extra: str = "") -> tuple[str, datetime | None, tuple]:
    """ETag, Last-Modified and cache key, from the public data version: one indexed query,
    and the same answer for every visitor in one language."""
    latest, highest = public_service.data_version(get_session())
    key = (FORMAT, kind, urlencode(query_items(filters)), _locale(), str(latest), str(highest),
           today.isoformat(), extra, current_app.config["PUBLIC_BASE_URL"])
    return hashlib.sha256("|".join(key).encode()).hexdigest()[:32], latest, key


def _not_modified(etag: str, latest: datetime | None) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return bool(since and latest and latest.replace(microsecond=0) <= since)


def conditional(kind: str, filters: PurchaseFilters, today: date, mimetype: str,
                render: Callable[[], bytes | Response], *, filename: str | None = None,
                attachment: bool = False, extra: str = "") -> Response:
    """Answer 304 when the client's copy is current; otherwise render (or reuse this
    process's rendering of the same data version), with validators and cache headers
    (public: no personal data, the same for everyone in one language)."""
    etag, latest, key = _validators(kind, filters, today, extra)
    if _not_modified(etag, latest):
        response = Response(status=304)
    else:
        def rendered() -> tuple[int, bytes]:
            with force_locale(_locale()):
                body = render()
            if isinstance(body, Response):
                return body.status_code, body.get_data()
            return 200, body

        status, body = cache().get_or_render(key, rendered)
        response = Response(body, status=status, mimetype=mimetype)
        if filename:
            disposition = "attachment" if attachment else "inline"
            response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.set_etag(etag, weak=True)
    if latest is not None:
        response.last_modified = latest.replace(microsecond=0)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.vary.add("Cookie")
    return response


def _buyer() -> Organisation:
    organisation = default_organisation(get_session())
    if organisation is None:  # a fresh install before any data: still a valid feed
        return Organisation(name=_("Lillestrøm municipality"), orgnr="000000000",
                            kommunenummer="")
    return organisation


def _list_url(filters: PurchaseFilters, endpoint: str = "public.purchases",
              **overrides) -> str:
    items = query_items(filters, page=False) + list(overrides.items())
    return public_url(endpoint) + ("?" + urlencode(items) if items else "")


def _feed_title(filters: PurchaseFilters) -> str:
    title = _("Purchases in %(buyer)s", buyer=_buyer().name)
    return title + (" – " + _("filtered") if filters.active else "")


@bp.get("/purchases.atom")
def purchases_atom():
    filters = parse_filters(request.args)
    now = clock.now()
    today = oslo_today(now)

    def render() -> bytes:
        items = public_service.feed_items(get_session(), filters, today=today,
                                          limit=ATOM_ENTRIES, newest_first=True, events=True)
        latest = max((p.updated_at for p in items if p.updated_at), default=None)
        return feed_export.atom(
            items, title=_feed_title(filters),
            subtitle=_("Planned and open purchases, newest changes first."),
            feed_id=_list_url(filters), self_url=_list_url(filters, "public.purchases_atom"),
            html_url=_list_url(filters), author=_buyer().name, language=_locale(),
            labels=feed_labels(), updated=latest)

    return conditional("atom", filters, today, "application/atom+xml", render)


def _calendar(filters: PurchaseFilters, today: date, now: datetime,
              purchase_id: int | None = None) -> bytes:
    session = get_session()
    if purchase_id is None:
        items = public_service.feed_items(session, filters, today=today,
                                          limit=CALENDAR_PURCHASES, events=True)
    else:
        item = public_service.get_purchase(session, purchase_id)
        items = [item] if item else []
    return feed_export.icalendar(items, name=_feed_title(filters), labels=feed_labels(),
                                 now=now)


@bp.get("/purchases.ics")
def purchases_ics():
    filters = parse_filters(request.args)
    now = clock.now()
    today = oslo_today(now)
    return conditional("ics", filters, today, "text/calendar",
                       lambda: _calendar(filters, today, now),
                       filename="purchases.ics")


@bp.get("/purchases/<int:purchase_id>.ics")
def purchase_ics(purchase_id: int):
    if not public_service.is_public_tender(get_session(), purchase_id):
        abort(404)
    now = clock.now()
    today = oslo_today(now)
    filters = PurchaseFilters(q="")
    return conditional("ics-one", filters, today, "text/calendar",
                       lambda: _calendar(filters, today, now, purchase_id),
                       filename=f"purchase-{purchase_id}.ics", extra=str(purchase_id))


@bp.get("/purchases.csv")
def purchases_csv():
    filters = parse_filters(request.args)
    today = clock.today()

    def render() -> bytes:
        items = public_service.feed_items(get_session(), filters, today=today,
                                          limit=CSV_LIMIT)
        return feed_export.csv_bytes(items, labels=feed_labels())

    return conditional("csv", filters, today, "text/csv; charset=utf-8", render,
                       filename="purchases.csv", attachment=True)


@bp.get("/purchases.json")
def purchases_json():
    """An OCDS 1.1 release package, 100 releases a page (links.next for the rest)."""
    filters = parse_filters(request.args)
    now = clock.now()
    today = oslo_today(now)

    def render() -> bytes | Response:
        session = get_session()
        offset = (filters.page - 1) * OCDS_PAGE
        items = public_service.feed_items(session, filters, today=today, limit=OCDS_PAGE + 1,
                                          offset=offset, events=True)
        if not items:
            # A release package needs at least one release; say so instead of breaking it.
            return Response('{"error": "no purchases match"}\n', status=404,
                            mimetype="application/json")
        more = len(items) > OCDS_PAGE
        items = items[:OCDS_PAGE]
        buyer = _buyer()

        def page_link(number: int) -> str:
            return public_url("public.purchases_json") + "?" + urlencode(
                query_items(filters.with_page(number)) + _lang_item())

        return ocds.release_package(
            items, prefix=current_app.config["OCDS_OCID_PREFIX"],
            uri=page_link(filters.page), publisher_name=buyer.name,
            publisher_orgnr=buyer.orgnr, now=now,
            procedure_label=lambda key: str(label(TRACK_LABELS)(key)),
            cpv_label=cpv_label,
            climate_label=lambda key: str(label(CLIMATE_BASIS_LABELS)(key)),
            language=_locale(),
            next_url=page_link(filters.page + 1) if more else None,
            prev_url=page_link(filters.page - 1) if filters.page > 1 else None,
        )

    return conditional("json", filters, today, "application/json", render,
                       extra=str(filters.page))


def _lang_item() -> list[tuple[str, str]]:
    wanted = params.choice("lang", current_app.config["LANGUAGES"])
    return [("lang", wanted)] if wanted else []
