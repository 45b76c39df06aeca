"""Atom, iCalendar and CSV for public purchases: public projections in, bytes out.

Labels and links come from the caller (the web layer translates them), so these functions
know nothing of Flask or the database. Identifiers are stable across runs and hosts: they are
made from the buyer's organisation number and the purchase or conference id.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event

from procure.domain.purchases import OSLO, in_oslo
from procure.exports import csv_safe
from procure.services.public import PublicEvent, PublicPurchase

ENTRY_NAMESPACE = uuid.UUID("0b1d5f3e-6a8c-4c8e-9a51-6f1b8f0c2d41")


@dataclass(frozen=True)
class Labels:
    """Translated labels and absolute links, supplied by the web layer."""

    status: Callable[[str], str]
    procedure: Callable[[str | None], str]
    band: Callable[[str], str]
    contract_type: Callable[[str | None], str]
    cpv: Callable[[str | None], str]
    money: Callable[[Decimal | int | None], str]
    day: Callable[[date | datetime | None], str]
    purchase_url: Callable[[int], str]
    words: dict[str, str]  # fixed phrases: "deadline", "simple", "value", ...


def entry_id(buyer_orgnr: str, purchase_id: int) -> str:
    """A stable Atom id: the same purchase keeps it on any host and after any change."""
    return uuid.uuid5(ENTRY_NAMESPACE, f"{buyer_orgnr}/purchase/{purchase_id}").urn


def deadline_uid(purchase: PublicPurchase) -> str:
    return f"procure-{purchase.buyer_orgnr}-purchase-{purchase.id}-deadline"


def event_uid(purchase: PublicPurchase, event: PublicEvent) -> str:
    return f"procure-{purchase.buyer_orgnr}-dialogue-{event.id}"


def summary_lines(purchase: PublicPurchase, labels: Labels) -> list[str]:
    """The facts a business scans for, one per line, in the caller's language."""
    words = labels.words
    lines = [f"{words['status']}: {labels.status(purchase.status)}"
             + (f", {words['invitation']}" if purchase.invitation_only else "")
             + (f" – {words['simple']}" if purchase.simple else "")]
    if purchase.tender_deadline:
        lines.append(f"{words['deadline']}: {labels.day(purchase.tender_deadline)}")
    if purchase.procedure:
        lines.append(f"{words['procedure']}: {labels.procedure(purchase.procedure)}")
    value = labels.band(purchase.value_band)
    if purchase.estimated_value is not None:
        value = f"{labels.money(purchase.estimated_value)} ({value})"
    lines.append(f"{words['value']}: {value}")
    if purchase.cpv_code:
        lines.append(f"{words['category']}: {purchase.cpv_code} {labels.cpv(purchase.cpv_code)}")
    for event in purchase.events:
        lines.append(f"{words['dialogue']}: {event.title}, {labels.day(event.starts_at)}")
    if purchase.amendments:
        latest = purchase.amendments[-1]
        lines.append(f"{words['amendments']}: {len(purchase.amendments)} "
                     f"({words['latest']} {labels.day(latest.made_at)})")
    return lines


# --- Atom ----------------------------------------------------------------------------------


def atom(purchases: Sequence[PublicPurchase], *, title: str, subtitle: str, feed_id: str,
         self_url: str, html_url: str, author: str, language: str, labels: Labels,
         updated: datetime | None) -> bytes:
    """An Atom 1.0 feed, one entry per purchase; an entry's <updated> moves when what the
    public sees of it changes."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=html_url, rel="alternate", type="text/html")
    feed.author({"name": author})
    feed.language(language)
    feed.generator("procure")
    feed.updated(updated or datetime(2000, 1, 1, tzinfo=UTC))
    for purchase in purchases:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(purchase.buyer_orgnr, purchase.id))
        entry.title(f"{purchase.title} ({labels.status(purchase.status)})")
        entry.link(href=labels.purchase_url(purchase.id), rel="alternate", type="text/html")
        entry.updated(purchase.updated_at or purchase.published_at or updated)
        if purchase.published_at:
            entry.published(purchase.published_at)
        lines = summary_lines(purchase, labels)
        if purchase.description:
            lines += ["", purchase.description]
        entry.content("\n".join(lines), type="text")
        entry.author({"name": purchase.buyer_name})
        if purchase.division:
            entry.category(term=purchase.division, scheme="urn:cpv:division",
                           label=labels.cpv(purchase.division + "000000"))
        if purchase.simple:
            entry.category(term="simplified-competition", label=labels.words["simple"])
        if purchase.invitation_only:
            entry.category(term="invitation-only", label=labels.words["invitation"])
    return feed.atom_str(pretty=False)


# --- iCalendar -----------------------------------------------------------------------------


def _description(purchase: PublicPurchase, labels: Labels, *extra: str) -> str:
    return "\n".join([*extra, *summary_lines(purchase, labels),
                      labels.purchase_url(purchase.id)])


def icalendar(purchases: Sequence[PublicPurchase], *, name: str, labels: Labels,
              now: datetime, horizon_days: int = 30) -> bytes:
    """Deadlines (all-day events) and dialogue conferences (Europe/Oslo times) as one
    calendar. UIDs never change; SEQUENCE follows the public version, so calendar apps
    replace an event when it changes. Events over more than horizon_days ago are left out."""
    calendar = Calendar()
    calendar.add("prodid", "-//procure//public purchases//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    oldest = in_oslo(now).date() - timedelta(days=horizon_days)
    words = labels.words
    for purchase in purchases:
        stamp = purchase.updated_at or now
        if purchase.tender_deadline and purchase.tender_deadline >= oldest:
            event = Event()
            event.add("uid", deadline_uid(purchase))
            event.add("dtstamp", stamp)
            event.add("sequence", purchase.public_version)
            event.add("summary", f"{words['deadline']}: {purchase.title}")
            event.add("dtstart", purchase.tender_deadline)
            event.add("dtend", purchase.tender_deadline + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            event.add("url", labels.purchase_url(purchase.id))
            event.add("description", _description(purchase, labels))
            event.add("categories", [words["deadline"]])
            calendar.add_component(event)
        for dialogue in purchase.events:
            if in_oslo(dialogue.ends_at).date() < oldest:
                continue
            event = Event()
            event.add("uid", event_uid(purchase, dialogue))
            event.add("dtstamp", dialogue.updated_at)
            event.add("sequence", dialogue.version)
            event.add("summary", f"{words['dialogue']}: {dialogue.title}")
            event.add("dtstart", dialogue.starts_at.astimezone(OSLO))
            event.add("dtend", dialogue.ends_at.astimezone(OSLO))
            if dialogue.place or dialogue.link:
                event.add("location", dialogue.place or dialogue.link)
            event.add("url", dialogue.link or labels.purchase_url(purchase.id))
            extra = [dialogue.description] if dialogue.description else []
            if dialogue.registration_deadline:
                extra.append(f"{words['registration']}: "
                             f"{labels.day(dialogue.registration_deadline)}")
            event.add("description", _description(purchase, labels, purchase.title, *extra))
            event.add("categories", [words["dialogue"]])
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ("reference", "title", "status", "simple_purchase", "invitation_only", "procedure",
               "contract_type", "cpv_code", "cpv_label", "value_band", "estimated_value_nok",
               "deadline", "planned_notice_date", "published", "updated", "contact_name",
               "contact_email", "url")


def _cell(value: object) -> str:
    """Text as a spreadsheet shows it (the writer keeps formulas out)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return in_oslo(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(purchases: Sequence[PublicPurchase], *, labels: Labels) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads æøå), comma-separated, one header row
    of stable English column names; dates in ISO 8601, amounts as plain numbers."""
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in purchases:
        writer.writerow([_cell(v) for v in (
            p.reference, p.title, p.status, "yes" if p.simple else "no",
            "yes" if p.invitation_only else "no", p.procedure or "",
            p.contract_type or "", p.cpv_code or "", labels.cpv(p.cpv_code) if p.cpv_code else "",
            p.value_band, "" if p.estimated_value is None else f"{p.estimated_value:.0f}",
            p.tender_deadline, p.planned_notice_date, p.published_at, p.updated_at,
            p.contact_name, p.contact_email, labels.purchase_url(p.id))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
