"""Contract awards from OCDS 1.1 release or record packages (JSON).

Taken per award: id, date, value (NOK), status (cancelled, unsuccessful and pending awards are
left out), and its suppliers with their organisation number (identifier scheme NO-BRC) and
`details.scale` (Organization scale extension). Taken from the tender: title, value, the CPV
of the first item, procurementMethod (+ details), awardCriteria, numberOfTenderers,
tenderPeriod.endDate and `suitability.sme`. Bid figures come from `bids.statistics` (measures
`bids` and `smeBids`) or else from `bids.details` with the tenderers' scale; they belong to the
process and are stored on its first award only, so that lots do not count them twice.

Releases of the same ocid are merged in date order: later values win (a simplified compiled
record). Row numbers in the report are the release's (or record's) position in the package.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from procure.domain import orgnr as orgnr_rules
from procure.domain.cpv import parse_code
from procure.domain.size_class import SME_CLASSES, UNKNOWN, from_ocds_scale
from procure.errors import N_
from procure.models import ImportRun
from procure.services.imports import (
    ImportFileError,
    ImportRejected,
    RowErrors,
    finish_run,
    start_run,
)
from procure.services.imports.awards import AwardData, WinnerData, decision_days, store_awards
from procure.services.imports.reading import check_row_count, file_type, load_json, lookup_cpv

OSLO = ZoneInfo("Europe/Oslo")
SKIPPED_STATUSES = ("cancelled", "unsuccessful", "pending")
MISSING = N_("Required value is missing.")
BAD_CURRENCY = N_("Only amounts in NOK can be imported (found %(currency)s).")
BAD_NUMBER = N_("Not a number.")
BAD_DATE = N_("Not an ISO 8601 date.")
BAD_ORGNR = N_("Not a valid organisation number (mod-11 check failed).")
UNKNOWN_PARTY = N_("No party with this id in the release.")
BAD_CPV = N_("Not a CPV 2008 code.")
TOO_LONG = N_("Longer than %(max)d characters.")


def import_ocds(session: Session, stream: IO[bytes], filename: str, *,
                actor_id: int | None = None) -> ImportRun:
    file_type(stream, filename, ("json",))
    releases = _releases(load_json(stream))
    check_row_count(len(releases))
    errors = RowErrors()
    processes = _merge(releases, errors)
    awards: list[AwardData] = []
    skipped = 0
    for ocid, process in processes.items():
        parsed, left_out = _process_awards(ocid, process, errors)
        awards.extend(parsed)
        skipped += left_out
    if errors:
        raise ImportRejected("ocds", filename, errors, len(releases))
    run = start_run(session, "ocds", filename, actor_id)
    inserted, updated = store_awards(session, "ocds", awards, run)
    return finish_run(session, run, rows_read=len(awards), inserted=inserted, updated=updated,
                      notes={"releases": len(releases), "awards_left_out": skipped})


def _releases(data: Any) -> list[tuple[int, dict]]:
    if isinstance(data, dict) and isinstance(data.get("releases"), list):
        items = data["releases"]
    elif isinstance(data, dict) and isinstance(data.get("records"), list):
        items = []
        for record in data["records"]:
            compiled = record.get("compiledRecord") if isinstance(record, dict) else None
            if isinstance(compiled, dict):
                items.append(compiled)
            elif isinstance(record, dict) and isinstance(record.get("releases"), list):
                items.extend(r for r in record["releases"] if isinstance(r, dict) and "ocid" in r)
            else:
                items.append(record)
    elif isinstance(data, dict) and "ocid" in data:
        items = [data]
    else:
        raise ImportFileError(N_("Not an OCDS release package or record package."))
    numbered = [(number, item) for number, item in enumerate(items, start=1)]
    return sorted(numbered, key=lambda pair: str(pair[1].get("date") or "")
                  if isinstance(pair[1], dict) else "")


def _merge(releases: list[tuple[int, dict]], errors: RowErrors) -> dict[str, dict]:
    processes: dict[str, dict] = {}
    for row, release in releases:
        if not isinstance(release, dict):
            errors.add(row, "", N_("A release must be a JSON object."))
            continue
        ocid = release.get("ocid")
        if not isinstance(ocid, str) or not ocid.strip():
            errors.add(row, "ocid", MISSING)
            continue
        if len(ocid) > 120:
            errors.add(row, "ocid", TOO_LONG, max=120)
            continue
        process = processes.setdefault(ocid, {"tender": {}, "tender_row": row, "parties": {},
                                              "awards": {}, "bids": None, "date": None})
        process["date"] = release.get("date") or process["date"]
        tender = release.get("tender")
        if isinstance(tender, dict):
            process["tender"] = {**process["tender"], **tender}
            process["tender_row"] = row
        for party in release.get("parties") or []:
            if isinstance(party, dict) and party.get("id") is not None:
                process["parties"][str(party["id"])] = (row, party)
        for index, award in enumerate(release.get("awards") or []):
            if not isinstance(award, dict):
                continue
            if award.get("id") in (None, ""):
                errors.add(row, f"awards[{index}].id", MISSING)
                continue
            key = str(award["id"])
            old = process["awards"].get(key, (row, index, {}))[2]
            process["awards"][key] = (row, index, {**old, **award})
        if isinstance(release.get("bids"), dict):
            process["bids"] = (row, release["bids"])
    return processes


def _process_awards(ocid: str, process: dict, errors: RowErrors) -> tuple[list[AwardData], int]:
    tender = process["tender"]
    tender_row = process["tender_row"]
    count_before = errors.count
    title = str(tender.get("title") or "")[:300]
    tender_value = _money(tender.get("value"), tender_row, "tender.value", errors)
    cpv = _tender_cpv(tender, tender_row, errors)
    method = str(tender.get("procurementMethod") or "")[:60]
    details = str(tender.get("procurementMethodDetails") or "")[:200]
    criteria = tender.get("awardCriteria")
    criteria = str(criteria)[:30] if criteria else None
    tenderers = tender.get("numberOfTenderers")
    if tenderers is not None and not (isinstance(tenderers, int) and tenderers >= 0
                                      and not isinstance(tenderers, bool)):
        errors.add(tender_row, "tender.numberOfTenderers", BAD_NUMBER)
        tenderers = None
    deadline = _date((tender.get("tenderPeriod") or {}).get("endDate"), tender_row,
                     "tender.tenderPeriod.endDate", errors)
    suitability = (tender.get("suitability") or {}).get("sme")
    suitability = suitability if isinstance(suitability, bool) else None
    bids_known, sme_bids = _bids(process, errors)
    result: list[AwardData] = []
    skipped = 0
    for key in sorted(process["awards"]):
        row, index, award = process["awards"][key]
        if award.get("status") in SKIPPED_STATUSES:
            skipped += 1
            continue
        path = f"awards[{index}]"
        awarded = _date(award.get("date"), row, f"{path}.date", errors) or _date(
            process["date"], row, "date", errors)
        winners = []
        for number, reference in enumerate(award.get("suppliers") or []):
            winner = _winner(reference, process["parties"], row, f"{path}.suppliers[{number}]",
                             errors)
            if winner is not None:
                winners.append(winner)
        first = not result
        result.append(AwardData(
            ocid=ocid, award_key=key[:120], title=str(award.get("title") or title)[:300],
            cpv_code=cpv, procedure=method, method_details=details, award_criteria=criteria,
            number_of_tenderers=tenderers, tender_value_ore=tender_value,
            value_ore=_money(award.get("value"), row, f"{path}.value", errors),
            tender_deadline=deadline, award_date=awarded,
            decision_days=decision_days(deadline, awarded), suitability_sme=suitability,
            bids_known_size=bids_known if first else None, sme_bids=sme_bids if first else None,
            winners=winners,
        ))
    if errors.count > count_before:
        return [], skipped
    return result, skipped


def _money(value: Any, row: int, path: str, errors: RowErrors) -> int | None:
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    amount = value["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        errors.add(row, f"{path}.amount", BAD_NUMBER)
        return None
    currency = value.get("currency")
    if currency != "NOK":
        errors.add(row, f"{path}.currency", BAD_CURRENCY, currency=str(currency))
        return None
    return round(amount * 100)


def _date(value: Any, row: int, path: str, errors: RowErrors) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors.add(row, path, BAD_DATE)
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.add(row, path, BAD_DATE)
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(OSLO)
    return moment.date()


def _tender_cpv(tender: dict, row: int, errors: RowErrors) -> str:
    for index, item in enumerate(tender.get("items") or []):
        classification = item.get("classification") if isinstance(item, dict) else None
        if not isinstance(classification, dict):
            continue
        if str(classification.get("scheme", "")).upper() != "CPV":
            continue
        code = str(classification.get("id") or "")
        try:
            parse_code(code)
        except ValueError:
            code = ""
        found = lookup_cpv(code) if code else None
        if found is None:
            errors.add(row, f"tender.items[{index}].classification.id", BAD_CPV)
            return ""
        return found
    return ""


def _party_orgnr(party: dict) -> str | None:
    """The NO-BRC identifier (main or additional), normalised; None when there is none."""
    identifiers = [party.get("identifier"), *(party.get("additionalIdentifiers") or [])]
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("scheme") == "NO-BRC":
            return orgnr_rules.normalise(identifier.get("id"))
    return None


def _winner(reference: Any, parties: dict, row: int, path: str,
            errors: RowErrors) -> WinnerData | None:
    if not isinstance(reference, dict) or reference.get("id") is None:
        errors.add(row, f"{path}.id", MISSING)
        return None
    party_id = str(reference["id"])
    party = parties.get(party_id, (row, None))[1]
    if party is None:
        errors.add(row, f"{path}.id", UNKNOWN_PARTY)
        return None
    orgnr = _party_orgnr(party)
    if orgnr is not None and not orgnr_rules.is_valid(orgnr):
        errors.add(row, f"parties[{party_id}].identifier.id", BAD_ORGNR)
        return None
    scale = (party.get("details") or {}).get("scale")
    postal = str((party.get("address") or {}).get("postalCode") or "").strip()
    return WinnerData(
        party_key=orgnr or f"party:{party_id}"[:120],
        name=str(party.get("name") or reference.get("name") or "")[:300],
        orgnr=orgnr or "", size_class=from_ocds_scale(scale),
        postal_code=postal if len(postal) == 4 and postal.isdigit() else "",
    )


def _bids(process: dict, errors: RowErrors) -> tuple[int | None, int | None]:
    """(bids with bidder size known, SME bids) for the process, or (None, None)."""
    if process["bids"] is None:
        return None, None
    row, bids = process["bids"]
    statistics = [s for s in bids.get("statistics") or [] if isinstance(s, dict)]
    overall = [s for s in statistics if not s.get("relatedLot")] or statistics
    totals: dict[str, int] = {}
    for index, statistic in enumerate(overall):
        measure, value = statistic.get("measure"), statistic.get("value")
        if measure not in ("bids", "smeBids"):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            errors.add(row, f"bids.statistics[{index}].value", BAD_NUMBER)
            continue
        totals[measure] = totals.get(measure, 0) + int(value)
    if "bids" in totals and "smeBids" in totals:
        return totals["bids"], min(totals["smeBids"], totals["bids"])
    details = [d for d in bids.get("details") or [] if isinstance(d, dict)]
    if not details:
        return None, None
    known = sme = 0
    for bid in details:
        sizes = []
        for tenderer in bid.get("tenderers") or []:
            party = process["parties"].get(str((tenderer or {}).get("id")), (row, None))[1]
            scale = ((party or {}).get("details") or {}).get("scale")
            sizes.append(from_ocds_scale(scale))
        if sizes and UNKNOWN not in sizes:
            known += 1
            sme += all(size in SME_CLASSES for size in sizes)
    return known, sme
