"""Contract awards from OCDS 1.1 data: release packages, record packages and JSON Lines.

Accepted forms: a release package (`releases`); a record package (`records`), each record's
`compiledRelease` taken as it is, or else its embedded `releases` compiled by ocdsmerge (the
reference implementation of the OCDS 1.1 merge rules: later releases by date win, arrays of
objects with an `id` merged by id, other arrays replaced) with the release schema shipped in
procure/data; a single release or record; JSON Lines (.jsonl, or a .json file with one JSON
value per line) of any of these. Records that only link to their releases (url, date, tag) and
have no compiledRelease, and versioned releases, are refused with a message saying so. Several
releases of one ocid in a release package are compiled the same way.

Taken per award: id, date, value with its currency, status (cancelled, unsuccessful and pending
awards are left out), and its suppliers: parties referenced by id (OCDS 1.1) or organisations
written inline (OCDS 1.0, identified by identifier scheme and id, else by name), with their
organisation number (identifier scheme NO-BRC) and `details.scale` (Organization scale
extension). Taken from the tender: title, value, the CPV (`tender.classification`, else the
first item's), procurementMethod (+ details), awardCriteria, numberOfTenderers,
tenderPeriod.endDate and `suitability.sme`. Bid figures come from `bids.statistics` (measures
`bids` and `smeBids`) or else from `bids.details` with the tenderers' scale; they belong to the
process and are stored on its first award only, so that lots do not count them twice.

Amounts keep their currency. `value_ore` (NOK) is set for NOK amounts, and for other currencies
when an exchange rate for the award date is stored (`procure rates import`); otherwise it is
None and the award counts in the count indicators only. An amount of 0 is taken as unknown.

Row numbers in the report are the release's (or record's, or JSON line's) position in the file.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import IO, Any

import ocdsmerge
from ocdsmerge.exceptions import OCDSMergeError
from sqlmodel import Session

from procure import clock
from procure.domain import orgnr as orgnr_rules
from procure.domain.cpv import parse_code
from procure.domain.size_class import SME_CLASSES, UNKNOWN, from_ocds_scale
from procure.errors import N_
from procure.ingest import (
    ImportFileError,
    ImportRejected,
    RowErrors,
    finish_run,
    start_run,
)
from procure.ingest.awards import AwardData, WinnerData, decision_days, store_awards
from procure.ingest.reading import (
    check_row_count,
    file_type,
    load_json,
    lookup_cpv,
    parse_count,
)
from procure.models import ImportRun
from procure.services.rates import HOME_CURRENCY, RateBook

OSLO = clock.OSLO
SUFFIXES = (".json", ".jsonl", ".ndjson")
SKIPPED_STATUSES = ("cancelled", "unsuccessful", "pending")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
MISSING = N_("Required value is missing.")
BAD_CURRENCY = N_("Not an ISO 4217 currency code (found %(currency)s).")
BAD_NUMBER = N_("Not a number.")
# More bids than any competition gets: a count past it is not real.
MAX_BIDS = 100_000
BAD_DATE = N_("Not an ISO 8601 date.")
BAD_ORGNR = N_("Not a valid organisation number (mod-11 check failed).")
UNKNOWN_PARTY = N_("No party with this id in the release.")
NO_SUPPLIER_KEY = N_("The supplier has neither an id, an identifier nor a name.")
BAD_CPV = N_("Not a CPV 2008 code.")
TOO_LONG = N_("Longer than %(max)d characters.")
NOT_OCDS = N_("Not an OCDS release package, record package, release or record.")
VERSIONED = N_("Versioned releases are not supported. Export the compiled releases "
               "(compiledRelease in a record package) or a release package instead.")
LINKED = N_("The record links to its releases (url, date, tag) and has no compiledRelease: "
            "linked releases cannot be compiled here. Export the record package with "
            "compiledRelease, or with the releases embedded.")
UNMERGEABLE = N_("The record's releases cannot be compiled: %(reason)s")

JSONObject = dict[str, Any]  # a JSON object as parsed: its values are checked where read


@dataclass
class _SourceRows:
    """The rows that last gave a process's tender and bids, each award (row, index in the
    release's awards) and each party: where the report points."""

    tender: int
    bids: int
    awards: dict[str, tuple[int, int]] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)


# party id -> (the row that last gave the party, the party)
Parties = dict[str, tuple[int, JSONObject]]


@dataclass
class _Process:
    """One contracting process: its compiled release and where each part came from."""

    release: JSONObject
    rows: _SourceRows


@cache
def merger() -> ocdsmerge.Merger:
    """The OCDS 1.1.5 merge rules from the schema shipped with procure (ocdsmerge would fetch
    the latest schema from the web without one)."""
    schema = resources.files("procure") / "data" / "ocds-release-schema-1.1.5.json"
    with resources.as_file(schema) as path:
        return ocdsmerge.Merger(schema=str(path))


def import_ocds(session: Session, stream: IO[bytes], filename: str, *, organisation_id: int,
                actor_id: int | None = None) -> ImportRun:
    if PurePath(filename or "").suffix.lower() not in SUFFIXES:
        raise ImportFileError(N_("Upload a file of type %(types)s."),
                              types=", ".join(SUFFIXES))
    # The content checks of a JSON upload (empty, a zip, not JSON at all) for .jsonl too.
    file_type(stream, PurePath(filename).with_suffix(".json").name, ("json",))
    values = _json_values(stream)
    errors = RowErrors()
    releases = _releases(values, errors)
    check_row_count(len(releases))
    processes = _merge(releases, errors)
    awards: list[AwardData] = []
    skipped = 0
    for ocid, process in processes.items():
        parsed, left_out = _process_awards(ocid, process, errors)
        awards.extend(parsed)
        skipped += left_out
    if errors:
        raise ImportRejected("ocds", filename, errors, len(releases))
    if not awards:
        if skipped:
            raise ImportFileError(N_("Nothing to import: all %(count)d awards in the file are "
                                     "cancelled, unsuccessful or pending."), count=skipped)
        if not releases:
            raise ImportFileError(N_("Nothing to import: the file has no releases or records."))
        raise ImportFileError(N_("Nothing to import: the file's %(count)d releases have no "
                                 "awards."), count=len(releases))
    notes = _value_in_nok(session, awards)
    run = start_run(session, "ocds", filename, actor_id, organisation_id=organisation_id)
    inserted, updated = store_awards(session, "ocds", awards, run)
    return finish_run(session, run, rows_read=len(awards), inserted=inserted, updated=updated,
                      notes={"releases": len(releases), "awards_left_out": skipped, **notes})


def _value_in_nok(session: Session, awards: list[AwardData]) -> dict[str, Any]:
    """Set the NOK values from the stored rates; the notes say what was converted and what
    was left without a NOK value."""
    currencies = {a.currency for a in awards} | {a.tender_currency for a in awards}
    book = RateBook.load(session, currencies)
    per_currency: dict[str, dict[str, int]] = {}
    for award in awards:
        award.value_ore = book.nok_ore(award.currency, award.amount, award.award_date)
        award.tender_value_ore = book.nok_ore(award.tender_currency, award.tender_amount,
                                              award.award_date or award.tender_deadline)
        if award.currency != HOME_CURRENCY and award.amount is not None:
            counts = per_currency.setdefault(award.currency, {"awards": 0, "valued": 0})
            counts["awards"] += 1
            counts["valued"] += award.value_ore is not None
    unknown = sum(1 for a in awards if a.amount is None)
    notes: dict[str, Any] = {}
    if per_currency:
        notes["currencies"] = dict(sorted(per_currency.items()))
        notes["awards_without_rate"] = sum(c["awards"] - c["valued"]
                                           for c in per_currency.values())
    if unknown:
        notes["awards_value_unknown"] = unknown
    return notes


def _json_values(stream: IO[bytes]) -> list[tuple[int, Any]]:
    """The file's JSON values with their line (JSON Lines) or 0 (one JSON document)."""
    try:
        return [(0, load_json(stream))]
    except ImportFileError as error:
        if (error.params or {}).get("reason") != "Extra data":
            raise
    stream.seek(0)
    values = []
    for number, line in enumerate(stream.read().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append((number, load_json(io.BytesIO(line))))
        except ImportFileError as error:
            raise ImportFileError(N_("Line %(line)d is not valid JSON (the file was read as "
                                     "JSON Lines, one release or package per line): "
                                     "%(reason)s."), line=number,
                                  reason=(error.params or {}).get("reason", "")) from None
    return values


def _is_versioned(value: Any, depth: int = 0) -> bool:
    """True for a versioned release: fields are lists of {releaseID, releaseDate, value}."""
    if depth > 3:
        return False
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "releaseID" in v and "value" in v
                         for v in value):
            return True
        return any(_is_versioned(v, depth + 1) for v in value[:5])
    if isinstance(value, dict):
        return any(_is_versioned(v, depth + 1) for v in value.values())
    return False


def _is_record(value: JSONObject) -> bool:
    return any(key in value for key in ("compiledRelease", "versionedRelease")) or (
        isinstance(value.get("releases"), list) and "ocid" in value)


def _releases(values: list[tuple[int, Any]],
              errors: RowErrors) -> list[tuple[int, JSONObject]]:
    """(row, release) for every release in the file, records compiled; ordered by date."""
    if len(values) == 1 and values[0][0] == 0 and isinstance(values[0][1], list):
        values = [(0, value) for value in values[0][1]]  # a JSON array of them
    items: list[tuple[str, Any]] = []
    for line, value in values:
        if isinstance(value, dict) and isinstance(value.get("releases"), list) and \
                "ocid" not in value:
            items.extend(("release", v) for v in value["releases"])
        elif isinstance(value, dict) and isinstance(value.get("records"), list):
            items.extend(("record", v) for v in value["records"])
        elif isinstance(value, dict) and "ocid" in value:
            items.append(("record" if _is_record(value) else "release", value))
        elif line:
            raise ImportFileError(N_("Line %(line)d is not an OCDS release, record or "
                                     "package."), line=line)
        else:
            raise ImportFileError(NOT_OCDS)
    numbered: list[tuple[int, JSONObject]] = []
    for row, (form, item) in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.add(row, "", N_("A release must be a JSON object."))
            continue
        if form == "release":
            if _is_versioned(item):
                raise ImportFileError(VERSIONED)
            numbered.append((row, item))
            continue
        release = _compile_record(row, item, errors)
        if release is not None:
            numbered.append((row, release))
    return sorted(numbered, key=lambda pair: str(pair[1].get("date") or ""))


def _compile_record(row: int, record: JSONObject, errors: RowErrors) -> JSONObject | None:
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        if _is_versioned(compiled):
            raise ImportFileError(VERSIONED)
        if "ocid" not in compiled and "ocid" in record:  # the record's ocid is the process's
            compiled = {**compiled, "ocid": record["ocid"]}
        return compiled
    releases = record.get("releases")
    if isinstance(releases, list) and releases:
        full = [r for r in releases if isinstance(r, dict) and "ocid" in r and "id" in r]
        if len(full) < len(releases):
            errors.add(row, "releases", LINKED)
            return None
        if any(_is_versioned(r) for r in full):
            raise ImportFileError(VERSIONED)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ocdsmerge.exceptions.OCDSMergeWarning)
                merged: JSONObject = merger().create_compiled_release(full)
                return merged
        except (OCDSMergeError, TypeError, KeyError) as error:
            errors.add(row, "releases", UNMERGEABLE, reason=str(error)[:200])
            return None
    if record.get("versionedRelease") is not None:
        raise ImportFileError(VERSIONED)
    errors.add(row, "compiledRelease", MISSING)
    return None


def _merge(releases: list[tuple[int, JSONObject]], errors: RowErrors) -> dict[str, _Process]:
    """Per ocid: the compiled release (by ocdsmerge when there are several) and the rows
    that last gave its tender, each award and each party, for the report."""
    groups: dict[str, list[tuple[int, JSONObject]]] = {}
    for row, release in releases:
        ocid = release.get("ocid")
        if not isinstance(ocid, str) or not ocid.strip():
            errors.add(row, "ocid", MISSING)
            continue
        if len(ocid) > 120:
            errors.add(row, "ocid", TOO_LONG, max=120)
            continue
        groups.setdefault(ocid, []).append((row, release))
    processes: dict[str, _Process] = {}
    for ocid, group in groups.items():
        rows = _SourceRows(tender=group[-1][0], bids=group[-1][0])
        for row, release in group:
            if isinstance(release.get("tender"), dict):
                rows.tender = row
            if isinstance(release.get("bids"), dict):
                rows.bids = row
            for index, award in enumerate(release.get("awards") or []):
                if not isinstance(award, dict):
                    continue
                if award.get("id") in (None, ""):
                    errors.add(row, f"awards[{index}].id", MISSING)
                    continue
                rows.awards[str(award["id"])] = (row, index)
            for party in release.get("parties") or []:
                if isinstance(party, dict) and party.get("id") is not None:
                    rows.parties[str(party["id"])] = row
        if len(group) == 1:
            compiled = group[0][1]
        else:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ocdsmerge.exceptions.OCDSMergeWarning)
                    compiled = merger().create_compiled_release([r for _, r in group])
            except (OCDSMergeError, TypeError, KeyError) as error:
                errors.add(group[-1][0], "", UNMERGEABLE, reason=str(error)[:200])
                continue
        processes[ocid] = _Process(compiled, rows)
    return processes


def _process_awards(ocid: str, process: _Process,
                    errors: RowErrors) -> tuple[list[AwardData], int]:
    release, rows = process.release, process.rows
    found = release.get("tender")
    tender: JSONObject = found if isinstance(found, dict) else {}
    tender_row = rows.tender
    parties = {str(p["id"]): (rows.parties.get(str(p["id"]), tender_row), p)
               for p in release.get("parties") or []
               if isinstance(p, dict) and p.get("id") is not None}
    count_before = errors.count
    title = str(tender.get("title") or "")[:300]
    tender_currency, tender_amount = _money(tender.get("value"), tender_row, "tender.value",
                                            errors)
    cpv = _tender_cpv(tender, tender_row, errors)
    method = str(tender.get("procurementMethod") or "")[:60]
    details = str(tender.get("procurementMethodDetails") or "")[:200]
    criteria = tender.get("awardCriteria")
    criteria = str(criteria)[:30] if criteria else None
    tenderers = tender.get("numberOfTenderers")
    if tenderers is not None and not (isinstance(tenderers, int) and 0 <= tenderers <= MAX_BIDS
                                      and not isinstance(tenderers, bool)):
        errors.add(tender_row, "tender.numberOfTenderers", BAD_NUMBER)
        tenderers = None
    deadline = _date((tender.get("tenderPeriod") or {}).get("endDate"), tender_row,
                     "tender.tenderPeriod.endDate", errors)
    suitability = (tender.get("suitability") or {}).get("sme")
    suitability = suitability if isinstance(suitability, bool) else None
    bids_known, sme_bids = _bids(release, rows.bids, parties, errors)
    result: list[AwardData] = []
    skipped = 0
    awards = {str(a["id"]): a for a in release.get("awards") or []
              if isinstance(a, dict) and a.get("id") not in (None, "")}
    for key in sorted(awards):
        award = awards[key]
        row, index = rows.awards.get(key, (tender_row, 0))
        if award.get("status") in SKIPPED_STATUSES:
            skipped += 1
            continue
        path = f"awards[{index}]"
        awarded = _date(award.get("date"), row, f"{path}.date", errors) or _date(
            release.get("date"), row, "date", errors)
        winners = []
        for number, reference in enumerate(award.get("suppliers") or []):
            winner = _winner(reference, parties, row, f"{path}.suppliers[{number}]", errors)
            if winner is not None:
                winners.append(winner)
        currency, amount = _money(award.get("value"), row, f"{path}.value", errors)
        first = not result
        result.append(AwardData(
            ocid=ocid, award_key=key[:120], title=str(award.get("title") or title)[:300],
            cpv_code=cpv, procedure=method, method_details=details, award_criteria=criteria,
            number_of_tenderers=tenderers, currency=currency, amount=amount,
            tender_currency=tender_currency, tender_amount=tender_amount,
            tender_deadline=deadline, award_date=awarded,
            decision_days=decision_days(deadline, awarded), suitability_sme=suitability,
            bids_known_size=bids_known if first else None, sme_bids=sme_bids if first else None,
            winners=winners,
        ))
    if errors.count > count_before:
        return [], skipped
    return result, skipped


def _money(value: Any, row: int, path: str, errors: RowErrors) -> tuple[str, Decimal | None]:
    """(currency, amount in it); the amount is None when unknown. An amount of 0, or one with
    no currency, is unknown: publishers write 0 for a value they do not give."""
    if not isinstance(value, dict):
        return HOME_CURRENCY, None
    currency = value.get("currency")
    if currency is not None and not (isinstance(currency, str)
                                     and CURRENCY_RE.fullmatch(currency)):
        errors.add(row, f"{path}.currency", BAD_CURRENCY, currency=str(currency)[:20])
        return HOME_CURRENCY, None
    amount = value.get("amount")
    if amount is None:
        return currency or HOME_CURRENCY, None
    if isinstance(amount, bool) or not isinstance(amount, int | float) or (
            isinstance(amount, float) and not math.isfinite(amount)):
        errors.add(row, f"{path}.amount", BAD_NUMBER)
        return HOME_CURRENCY, None
    if amount == 0 or currency is None:
        return currency or HOME_CURRENCY, None
    try:
        exact = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        errors.add(row, f"{path}.amount", BAD_NUMBER)
        return HOME_CURRENCY, None
    if abs(exact) >= Decimal(10) ** 17:
        errors.add(row, f"{path}.amount", BAD_NUMBER)
        return HOME_CURRENCY, None
    return currency, exact


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


def _tender_cpv(tender: JSONObject, row: int, errors: RowErrors) -> str:
    """The CPV code of `tender.classification`, else of the first item classified by CPV."""
    candidates = [("tender.classification", tender.get("classification"))]
    candidates += [(f"tender.items[{index}].classification",
                    item.get("classification") if isinstance(item, dict) else None)
                   for index, item in enumerate(tender.get("items") or [])]
    for path, classification in candidates:
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
            errors.add(row, f"{path}.id", BAD_CPV)
            return ""
        return found
    return ""


def _party_orgnr(party: JSONObject) -> str | None:
    """The NO-BRC identifier (main or additional), normalised; None when there is none."""
    identifiers = [party.get("identifier"), *(party.get("additionalIdentifiers") or [])]
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("scheme") == "NO-BRC":
            return orgnr_rules.normalise(identifier.get("id"))
    return None


def _winner(reference: Any, parties: Parties, row: int, path: str,
            errors: RowErrors) -> WinnerData | None:
    if not isinstance(reference, dict):
        errors.add(row, path, N_("A supplier must be a JSON object."))
        return None
    if reference.get("id") is not None:
        party_id = str(reference["id"])
        party = parties.get(party_id, (row, None))[1]
        if party is None:
            errors.add(row, f"{path}.id", UNKNOWN_PARTY)
            return None
        key, where = f"party:{party_id}", f"parties[{party_id}]"
    else:
        # OCDS 1.0: the supplier is written out in the award, without an id.
        party, where = reference, path
        identifier = reference.get("identifier")
        identifier = identifier if isinstance(identifier, dict) else {}
        if identifier.get("id") not in (None, ""):
            scheme = str(identifier.get("scheme") or "").strip()
            key = f"{scheme}:{identifier['id']}" if scheme else f"id:{identifier['id']}"
        elif str(reference.get("name") or "").strip():
            key = f"name:{str(reference['name']).strip()}"
        else:
            errors.add(row, path, NO_SUPPLIER_KEY)
            return None
    orgnr = _party_orgnr(party)
    if orgnr is not None and not orgnr_rules.is_valid(orgnr):
        errors.add(row, f"{where}.identifier.id", BAD_ORGNR)
        return None
    scale = (party.get("details") or {}).get("scale")
    postal = str((party.get("address") or {}).get("postalCode") or "").strip()
    return WinnerData(
        party_key=orgnr or key[:120],
        name=str(party.get("name") or reference.get("name") or "")[:300],
        orgnr=orgnr or "", size_class=from_ocds_scale(scale),
        postal_code=postal if len(postal) == 4 and postal.isdigit() else "",
    )


def _bids(release: JSONObject, row: int, parties: Parties,
          errors: RowErrors) -> tuple[int | None, int | None]:
    """(bids with bidder size known, SME bids) for the process, or (None, None)."""
    bids = release.get("bids")
    if not isinstance(bids, dict):
        return None, None
    statistics = [s for s in bids.get("statistics") or [] if isinstance(s, dict)]
    overall = [s for s in statistics if not s.get("relatedLot")] or statistics
    totals: dict[str, int] = {}
    for index, statistic in enumerate(overall):
        measure, value = statistic.get("measure"), statistic.get("value")
        if measure not in ("bids", "smeBids"):
            continue
        try:
            count = parse_count(value, maximum=MAX_BIDS)
        except ValueError:
            errors.add(row, f"bids.statistics[{index}].value", BAD_NUMBER)
            continue
        totals[measure] = min(totals.get(measure, 0) + count, MAX_BIDS)
    if "bids" in totals and "smeBids" in totals:
        return totals["bids"], min(totals["smeBids"], totals["bids"])
    details = [d for d in bids.get("details") or [] if isinstance(d, dict)]
    if not details:
        return None, None
    known = sme = 0
    for bid in details:
        sizes = []
        for tenderer in bid.get("tenderers") or []:
            party = parties.get(str((tenderer or {}).get("id")), (row, None))[1]
            scale = ((party or {}).get("details") or {}).get("scale")
            sizes.append(from_ocds_scale(scale))
        if sizes and UNKNOWN not in sizes:
            known += 1
            sme += all(size in SME_CLASSES for size in sizes)
    return known, sme
