"""OCDS 1.1 release packages of public purchases: public projections in, JSON bytes out.

A planned purchase is a `planning` release with tender.status `planned`; an open one is a
`tender` release with status `active`. The ocid is the configured prefix, the buyer's
organisation number and the purchase reference, so it never changes. The buyer party is
identified in the Brønnøysund register (org-id scheme NO-BRC) by its organisation number.
Confidential values are left out; only the public projection is ever read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from procure.domain.purchases import end_of_day_oslo, oslo_to_utc
from procure.services.public import PublicPurchase

OCDS_VERSION = "1.1"
ORG_SCHEME = "NO-BRC"  # org-id.guide: Brønnøysund Register Centre
NLOD = "https://data.norge.no/nlod/no/2.0"
# Our tracks as OCDS procurement methods (open codelist: open, selective, limited, direct).
METHODS = {
    "direct-award": "direct",
    "simplified-competition": "limited",
    "open-tender-competition": "open",
    "restricted-tender-competition": "selective",
    "open-procedure": "open",
    "restricted-procedure": "selective",
    "competitive-negotiation": "selective",
    "competitive-dialogue": "selective",
    "innovation-partnership": "selective",
}
CATEGORIES = {"goods": "goods", "services": "services", "works": "works",
              "health-social": "services", "special-services": "services"}


def timestamp(moment: datetime) -> str:
    """RFC 3339 with the UTC offset, to the second, as OCDS date-time fields expect."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ocid(prefix: str, purchase: PublicPurchase) -> str:
    return f"{prefix}-{purchase.buyer_orgnr}-{purchase.reference}"


def party_id(orgnr: str) -> str:
    return f"{ORG_SCHEME}-{orgnr}"


def release(purchase: PublicPurchase, *, prefix: str,
            procedure_label: Callable[[str | None], str],
            cpv_label: Callable[[str | None], str],
            climate_label: Callable[[str | None], str], language: str) -> dict:
    """One release for the purchase's current public version."""
    planned = purchase.status == "planned"
    buyer = {"id": party_id(purchase.buyer_orgnr), "name": purchase.buyer_name}
    party: dict = {
        **buyer,
        "identifier": {"scheme": ORG_SCHEME, "id": purchase.buyer_orgnr,
                       "legalName": purchase.buyer_name},
        "roles": ["buyer", "procuringEntity"],
    }
    contact = {key: value for key, value in (("name", purchase.contact_name),
                                             ("email", purchase.contact_email)) if value}
    if contact:
        party["contactPoint"] = contact
    tender: dict = {
        "id": purchase.reference,
        "title": purchase.title,
        "status": "planned" if planned else "active",
        "procuringEntity": buyer,
    }
    if purchase.description:
        tender["description"] = purchase.description
    if purchase.cpv_code:
        tender["items"] = [{
            "id": "1",
            "description": purchase.title,
            "classification": {"scheme": "CPV", "id": purchase.cpv_code[:8],
                               "description": cpv_label(purchase.cpv_code)},
        }]
    if purchase.estimated_value is not None:
        tender["value"] = {"amount": float(purchase.estimated_value), "currency": "NOK"}
    if purchase.procedure in METHODS:
        tender["procurementMethod"] = METHODS[purchase.procedure]
    if purchase.procedure:
        tender["procurementMethodDetails"] = procedure_label(purchase.procedure)
    if purchase.contract_type in CATEGORIES:
        tender["mainProcurementCategory"] = CATEGORIES[purchase.contract_type]
    if purchase.climate_basis:
        tender["awardCriteriaDetails"] = climate_label(purchase.climate_basis)
    period: dict = {}
    if planned and purchase.planned_notice_date:
        period["startDate"] = timestamp(oslo_to_utc(purchase.planned_notice_date,
                                                    datetime.min.time()))
    elif purchase.opened_at:
        period["startDate"] = timestamp(purchase.opened_at)
    if purchase.tender_deadline:
        period["endDate"] = timestamp(end_of_day_oslo(purchase.tender_deadline))
    if period:
        tender["tenderPeriod"] = period
    if purchase.events:
        tender["milestones"] = [{
            "id": f"dialogue-{event.id}",
            "title": event.title,
            "type": "engagement",
            "description": event.description or event.place or event.link or event.title,
            "dueDate": timestamp(event.starts_at),
            "status": "scheduled",
        } for event in purchase.events]
    identifier = ocid(prefix, purchase)
    result = {
        "ocid": identifier,
        "id": f"{identifier}-{purchase.public_version}",
        "date": timestamp(purchase.updated_at or purchase.published_at
                          or datetime(2000, 1, 1, tzinfo=UTC)),
        "tag": ["planning"] if planned else ["tender"],
        "initiationType": "tender",
        "language": language,
        "parties": [party],
        "buyer": buyer,
        "tender": tender,
    }
    if planned:
        result["planning"] = {"rationale": purchase.description or purchase.title}
    return result


def release_package(purchases: Sequence[PublicPurchase], *, prefix: str, uri: str,
                    publisher_name: str, publisher_orgnr: str, now: datetime,
                    procedure_label: Callable[[str | None], str],
                    cpv_label: Callable[[str | None], str],
                    climate_label: Callable[[str | None], str], language: str,
                    next_url: str | None = None, prev_url: str | None = None) -> bytes:
    """A release package (OCDS 1.1.5 release-package schema); links.next pages onwards."""
    package: dict = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": timestamp(now),
        "publisher": {"name": publisher_name, "scheme": ORG_SCHEME, "uid": publisher_orgnr},
        "license": NLOD,
        "releases": [release(p, prefix=prefix,
                             procedure_label=procedure_label, cpv_label=cpv_label,
                             climate_label=climate_label, language=language)
                     for p in purchases],
    }
    links = {key: value for key, value in (("next", next_url), ("prev", prev_url)) if value}
    if links:
        package["links"] = links
    return json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")

