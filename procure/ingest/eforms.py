"""eForms notices into the statistics: result notices (E4, 29) as awards, competition notices
(E3, 16) as the procedure's tender facts. The older national subtypes N16 and N29 are read as
16 and 29.

One import is a list of notices (a file, every .xml of a folder, or the .xml files of a zip).
It is all or nothing: a notice that cannot be read, or a value that is wrong (a date, an amount,
a Norwegian organisation number, a CPV code), refuses the whole import with the row-level report
(row = the notice's place in the list, field = the file and business term). Notices of other
subtypes are left out and counted.

Notices are identified by their notice id (BT-701), which every version shares, and version
(BT-757): the same version again changes nothing, a later version replaces what the earlier
one gave (contracts it no longer has are removed), an earlier one is left out. A result
notice's contracts (efac:SettledContract) are its awards, keyed by (notice id, contract id),
each with:

- winners: the tenderers of the contract's tenders with name, organisation number (BT-501;
  checked when the organisation is Norwegian) and size (BT-165);
- tenders received (BT-759, statistics code `tenders`) of the contract's lots, and SME tenders
  where the notice gives them (`t-sme`, else `t-micro` + `t-small` + `t-med`);
- value: the contract's tenders' amounts (BT-720), and the estimated value (BT-27);
- procedure type (BT-105) as procure's procedure where one corresponds, CPV (BT-262), award
  criteria (price only, cost only, quality only or rated), the conclusion date (BT-145);
- the tender deadline and SME suitability of the lot, else of a competition notice of the same
  procedure (BT-04), imported before or in the same import.

A competition notice is kept in `eforms_notice` with its § 7-9 code: the first
`quality-nor-env-*` award-criterion type (DFØ's codes) it carries.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import IO

from lxml import etree
from sqlalchemy import delete, select
from sqlmodel import Session, col

from procure.db import affected_rows
from procure.domain import orgnr as orgnr_rules
from procure.domain.size_class import UNKNOWN
from procure.eforms import sdk
from procure.eforms.sdk import elements
from procure.errors import N_
from procure.ingest import ImportFileError, ImportRejected, RowErrors, finish_run, start_run
from procure.ingest.awards import AwardData, WinnerData, decision_days, store_awards
from procure.ingest.ocds import _value_in_nok
from procure.ingest.reading import check_row_count, lookup_cpv
from procure.models import Award, EformsNotice, ImportRun
from procure.services.rates import RateBook

SOURCE = "eforms"
COMPETITION = {"E3": "E3", "16": "16", "N16": "16"}
RESULT = {"E4": "E4", "29": "29", "N29": "29"}
MAX_NOTICE_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_BYTES = 500 * 1024 * 1024
NS = sdk.NS
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
SIZES = {"micro": "micro", "small": "small", "medium": "medium", "large": "large"}
# eForms procedure types (BT-105) as procure's procedures; national notices below the EEA
# thresholds use part II's competitions.
PROCEDURES = {"open": "open-procedure", "restricted": "restricted-procedure",
              "neg-w-call": "competitive-negotiation", "comp-dial": "competitive-dialogue",
              "innovation": "innovation-partnership", "neg-wo-call": "direct-award"}
NATIONAL_PROCEDURES = {"open": "open-tender-competition",
                       "restricted": "restricted-tender-competition"}
MISSING = N_("Required value is missing.")
BAD_DATE = N_("Not an ISO 8601 date.")
BAD_NUMBER = N_("Not a number.")
BAD_ORGNR = N_("Not a valid organisation number (mod-11 check failed).")
BAD_CPV = N_("Not a CPV 2008 code.")
NOT_XML = N_("Not well-formed XML: %(reason)s")
NOT_NOTICE = N_("Not an eForms notice (a ContractNotice or ContractAwardNotice).")
UNKNOWN_REFERENCE = N_("Refers to %(id)s, which the notice does not have.")
TWICE = N_("The same notice and version is in the import twice.")


@dataclass
class _Notice:
    row: int
    name: str
    root: etree._Element
    subtype: str  # E3, 16, E4 or 29
    notice_id: str
    version: str
    national: bool  # E3/E4: a notice below the EEA thresholds


@dataclass
class _Competition:
    deadline: date | None
    suitability: bool | None
    currency: str
    amount: Decimal | None


@dataclass
class _Parsed:
    notice: _Notice
    row: EformsNotice
    awards: list[AwardData] = field(default_factory=list)


def read_upload(stream: IO[bytes], filename: str) -> list[tuple[str, bytes]]:
    """The notices of an uploaded .xml file, or the .xml members of a .zip."""
    suffix = PurePath(filename or "").suffix.lower()
    data = stream.read(MAX_ZIP_BYTES + 1)
    if suffix == ".xml":
        return [(filename, data)]
    if suffix != ".zip":
        raise ImportFileError(N_("Upload a file of type %(types)s."), types=".xml, .zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError(N_("The file is not a zip archive.")) from None
    members = [m for m in archive.infolist()
               if not m.is_dir() and m.filename.lower().endswith(".xml")]
    if (len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_BYTES
            or any(m.file_size > MAX_NOTICE_BYTES for m in members)):
        raise ImportFileError(N_("The zip archive holds too much: at most %(count)d notices "
                                 "of %(size)d MB in all."), count=MAX_ZIP_MEMBERS,
                              size=MAX_ZIP_BYTES // (1024 * 1024))
    files = []
    for member in sorted(members, key=lambda m: m.filename):
        try:
            with archive.open(member) as handle:
                data = handle.read(MAX_NOTICE_BYTES + 1)  # never more than a notice may be
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise ImportFileError(N_("The file is not a zip archive.")) from None
        files.append((member.filename, data))
    return files


def import_eforms(session: Session, files: list[tuple[str, bytes]], filename: str, *,
                  organisation_id: int, actor_id: int | None = None) -> ImportRun:
    """The notices, as one organisation's: its awards and notices, kept apart from others'."""
    check_row_count(len(files))
    errors = RowErrors()
    notices, left_out = _notices(files, errors)
    latest = _stored_versions(session, organisation_id, [n.notice_id for n in notices])
    newer = [n for n in notices if _version_key(n.version) > latest.get(n.notice_id, ())]
    same = [n for n in notices if latest.get(n.notice_id) == _version_key(n.version)]
    older = len(notices) - len(newer) - len(same)
    competitions = _competitions_by_procedure(session, organisation_id)
    parsed: list[_Parsed] = []
    for notice in sorted(newer + same, key=lambda n: COMPETITION.get(n.subtype) is None):
        result = _parse(notice, competitions, errors)
        if result is not None:
            parsed.append(result)
    if errors:
        raise ImportRejected("eforms", filename, errors, len(files))
    if not notices:
        if left_out:
            raise ImportFileError(N_("Nothing to import: none of the %(count)d notices is a "
                                     "competition notice (E3, 16) or a result notice "
                                     "(E4, 29)."), count=left_out)
        raise ImportFileError(N_("Nothing to import: no notices were found."))
    awards = [award for item in parsed for award in item.awards]
    notes = _value_in_nok(session, awards)
    run = start_run(session, "eforms", filename, actor_id, organisation_id=organisation_id)
    stale = _remove_stale_awards(session, organisation_id, parsed)
    inserted, updated = store_awards(session, SOURCE, awards, run)
    notices_new, notices_changed = _store_notices(session, parsed, run)
    filled = _fill_from_competitions(session, organisation_id, parsed)
    climate: dict[str, int] = {}
    for item in parsed:
        if item.row.climate_code:
            climate[item.row.climate_code] = climate.get(item.row.climate_code, 0) + 1
    return finish_run(session, run, rows_read=len(awards), inserted=inserted, updated=updated,
                      notes={"notices": len(files),
                             "competition_notices": sum(1 for p in parsed
                                                        if p.row.form == "competition"),
                             "result_notices": sum(1 for p in parsed if p.row.form == "result"),
                             "notices_new": notices_new, "notices_changed": notices_changed,
                             "notices_left_out": left_out, "older_versions_left_out": older,
                             "awards_removed": stale, "awards_completed": filled,
                             "climate_codes": dict(sorted(climate.items())), **notes})


# --- reading the notices ----------------------------------------------------------------------


def _notices(files: list[tuple[str, bytes]],
             errors: RowErrors) -> tuple[list[_Notice], int]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    found: list[_Notice] = []
    seen: set[tuple[str, str]] = set()
    left_out = 0
    for row, (name, data) in enumerate(files, start=1):
        if len(data) > MAX_NOTICE_BYTES:
            errors.add(row, name, N_("Larger than %(size)d MB."),
                       size=MAX_NOTICE_BYTES // (1024 * 1024))
            continue
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as error:
            errors.add(row, name, NOT_XML, reason=str(error)[:200])
            continue
        declared = sdk.declared(root)
        if declared is None or declared.document not in ("cn", "can"):
            if declared is not None:
                left_out += 1  # a prior information or business registration notice
            else:
                errors.add(row, name, NOT_NOTICE)
            continue
        subtype = COMPETITION.get(declared.subtype) or RESULT.get(declared.subtype)
        if subtype is None:
            left_out += 1
            continue
        notice_id = _text(root, "cbc:ID[@schemeName='notice-id']")
        version = _text(root, "cbc:VersionID")
        for value, term in ((notice_id, "BT-701"), (version, "BT-757")):
            if not value:
                errors.add(row, f"{name} {term}", MISSING)
        if not notice_id or not version:
            continue
        if (notice_id, version) in seen:
            errors.add(row, f"{name} BT-701", TWICE)
            continue
        seen.add((notice_id, version))
        found.append(_Notice(row, name, root, subtype, notice_id[:64], version[:10],
                             national=subtype.startswith("E")))
    # One notice id in several versions: the latest is the one kept.
    best: dict[str, _Notice] = {}
    for notice in found:
        current = best.get(notice.notice_id)
        if current is None or _version_key(notice.version) > _version_key(current.version):
            best[notice.notice_id] = notice
    return [n for n in found if best[n.notice_id] is n], left_out


def _version_key(version: str) -> tuple[int, str]:
    digits = version.strip()
    return (int(digits), digits) if digits.isdigit() else (-1, digits)


def _text(node: etree._Element, path: str) -> str:
    found = elements(node, path)
    return " ".join(str(found[0].text or "").split()) if found else ""


def _texts(node: etree._Element, path: str) -> list[str]:
    return [" ".join(str(n.text or "").split()) for n in elements(node, path)]


def _title(node: etree._Element, path: str) -> str:
    """A text in bokmål or Norwegian when the notice has it, else the first language's."""
    names = elements(node, path)
    for language in ("NOR", "NOB", "NNO"):
        for name in names:
            if name.get("languageID") == language:
                return " ".join(str(name.text or "").split())[:300]
    return " ".join(str(names[0].text or "").split())[:300] if names else ""


def _date(notice: _Notice, node: etree._Element, path: str, term: str,
          errors: RowErrors) -> date | None:
    text = _text(node, path)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors.add(notice.row, f"{notice.name} {term}", BAD_DATE)
        return None


def _amount(notice: _Notice, node: etree._Element, path: str, term: str,
            errors: RowErrors) -> tuple[str, Decimal | None]:
    found = elements(node, path)
    if not found:
        return "NOK", None
    element = found[0]
    currency = str(element.get("currencyID") or "NOK")[:3].upper()
    try:
        amount = Decimal(" ".join(str(element.text or "").split())).quantize(Decimal("0.01"))
    except InvalidOperation:
        errors.add(notice.row, f"{notice.name} {term}", BAD_NUMBER)
        return currency, None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 17:
        errors.add(notice.row, f"{notice.name} {term}", BAD_NUMBER)
        return currency, None
    return currency, (amount if amount else None)


def _cpv(notice: _Notice, node: etree._Element, path: str, errors: RowErrors) -> str:
    code = _text(node, path)
    if not code:
        return ""
    found = lookup_cpv(code)
    if found is None:
        errors.add(notice.row, f"{notice.name} BT-262", BAD_CPV)
        return ""
    return found


def _count(notice: _Notice, lot_result: etree._Element, code: str,
           errors: RowErrors) -> int | None:
    path = ("efac:ReceivedSubmissionsStatistics[efbc:StatisticsCode = "
            f"'{code}']/efbc:StatisticsNumeric")
    text = _text(lot_result, path)
    if not text:
        return None
    if not text.isdigit() or int(text) > 100_000:
        errors.add(notice.row, f"{notice.name} BT-759", BAD_NUMBER)
        return None
    return int(text)


def _criteria(node: etree._Element) -> str | None:
    types = set(_texts(node, ".//cac:SubordinateAwardingCriterion/cbc:AwardingCriterionTypeCode"))
    if not types:
        return None
    kinds = {"quality" if kind.startswith("quality") else kind for kind in types}
    return {frozenset({"price"}): "priceOnly", frozenset({"cost"}): "costOnly",
            frozenset({"quality"}): "qualityOnly"}.get(frozenset(kinds), "ratedCriteria")


def _climate_code(node: etree._Element) -> str:
    for code in _texts(node, ".//cac:SubordinateAwardingCriterion/cbc:AwardingCriterionTypeCode"):
        if code.startswith("quality-nor-env-"):
            return code[:60]
    return ""


def _suitability(node: etree._Element) -> bool | None:
    values = _texts(node, ".//cbc:SMESuitableIndicator")
    if not values:
        return None
    return any(value == "true" for value in values)


def _procedure(notice: _Notice) -> str:
    code = _text(notice.root, "cac:TenderingProcess/cbc:ProcedureCode")
    if notice.national and code in NATIONAL_PROCEDURES:
        return NATIONAL_PROCEDURES[code]
    return PROCEDURES.get(code, "")


@dataclass
class _Organisation:
    name: str
    orgnr: str
    size_class: str
    postal_code: str
    key: str


def _organisations(notice: _Notice) -> dict[str, _Organisation]:
    """The notice's organisations; `orgnr` is a Norwegian organisation's number as given
    (normalised), checked where it is used."""
    found: dict[str, _Organisation] = {}
    companies = f"{EXT}/efac:Organizations/efac:Organization/efac:Company"
    for company in elements(notice.root, companies):
        key = _text(company, "cac:PartyIdentification/cbc:ID")
        number = _text(company, "cac:PartyLegalEntity/cbc:CompanyID")
        country = _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        orgnr = orgnr_rules.normalise(number) if number and country == "NOR" else ""
        postal = _text(company, "cac:PostalAddress/cbc:PostalZone")
        found[key] = _Organisation(
            name=_title(company, "cac:PartyName/cbc:Name"), orgnr=orgnr,
            size_class=SIZES.get(_text(company, "efbc:CompanySizeCode"), UNKNOWN),
            postal_code=postal if country == "NOR" and len(postal) == 4 and postal.isdigit()
            else "",
            key=orgnr or (f"{country}:{number}" if number else key))
    return found


def _buyer(notice: _Notice, organisations: dict[str, _Organisation]) -> _Organisation | None:
    key = _text(notice.root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    return organisations.get(key)


def _lot_facts(notice: _Notice, errors: RowErrors) -> dict[str, _Competition]:
    facts = {}
    for lot in elements(notice.root, "cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot']"):
        lot_id = _text(lot, "cbc:ID")
        currency, amount = _amount(notice, lot, "cac:ProcurementProject/cac:RequestedTenderTotal/"
                                   "cbc:EstimatedOverallContractAmount", "BT-27", errors)
        facts[lot_id] = _Competition(
            deadline=_date(notice, lot, "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/"
                           "cbc:EndDate", "BT-131", errors),
            suitability=_suitability(lot), currency=currency, amount=amount)
    return facts


def _parse(notice: _Notice, competitions: dict[str, _Competition],
           errors: RowErrors) -> _Parsed | None:
    before = errors.count
    root = notice.root
    organisations = _organisations(notice)
    buyer = _buyer(notice, organisations)
    currency, estimated = _amount(notice, root, "cac:ProcurementProject/cac:RequestedTenderTotal/"
                                  "cbc:EstimatedOverallContractAmount", "BT-27", errors)
    lots = _lot_facts(notice, errors)
    if estimated is None:
        amounts = [fact.amount for fact in lots.values() if fact.amount is not None]
        if amounts and len({fact.currency for fact in lots.values()}) == 1:
            estimated, currency = sum(amounts, Decimal(0)), next(iter(lots.values())).currency
    deadlines = [fact.deadline for fact in lots.values() if fact.deadline is not None]
    suitability = _suitability(root)
    cpv = _cpv(notice, root, "cac:ProcurementProject/cac:MainCommodityClassification/"
               "cbc:ItemClassificationCode", errors)
    form = "competition" if notice.subtype in COMPETITION.values() else "result"
    row = EformsNotice(
        organisation_id=0,  # set when stored, for the importing organisation
        notice_id=notice.notice_id, version=notice.version, subtype=notice.subtype, form=form,
        procedure_id=_text(root, "cbc:ContractFolderID")[:120],
        issue_date=_date(notice, root, "cbc:IssueDate", "BT-05", errors),
        buyer_orgnr=buyer.orgnr if buyer and orgnr_rules.is_valid(buyer.orgnr) else "",
        buyer_name=buyer.name if buyer else "",
        title=_title(root, "cac:ProcurementProject/cbc:Name"), cpv_code=cpv,
        procedure=_procedure(notice), currency=currency, estimated_amount=estimated,
        tender_deadline=min(deadlines) if deadlines else None, suitability_sme=suitability,
        climate_code=_climate_code(root))
    parsed = _Parsed(notice, row)
    if form == "competition":
        competitions[row.procedure_id] = _Competition(row.tender_deadline, suitability,
                                                      currency, estimated)
    else:
        parsed.awards = _awards(notice, row, lots, organisations,
                                competitions.get(row.procedure_id), errors)
    return parsed if errors.count == before else None


def _awards(notice: _Notice, row: EformsNotice, lots: dict[str, _Competition],
            organisations: dict[str, _Organisation], competition: _Competition | None,
            errors: RowErrors) -> list[AwardData]:
    root = notice.root
    result = f"{EXT}/efac:NoticeResult"
    tenders = {_text(t, "cbc:ID"): t for t in elements(root, f"{result}/efac:LotTender")}
    parties = {_text(p, "cbc:ID"): _texts(p, "efac:Tenderer/cbc:ID")
               for p in elements(root, f"{result}/efac:TenderingParty")}
    lot_results = {_text(r, "efac:TenderLot/cbc:ID"): r
                   for r in elements(root, f"{result}/efac:LotResult")}
    counted: set[str] = set()
    awards = []
    criteria = _criteria(root)
    for contract in elements(root, f"{result}/efac:SettledContract"):
        contract_id = _text(contract, "cbc:ID")
        where = f"{notice.name} {contract_id}"
        winners: dict[str, WinnerData] = {}
        contract_lots: list[str] = []
        currency, amount = "NOK", Decimal(0)
        priced = False
        for tender_id in _texts(contract, "efac:LotTender/cbc:ID"):
            tender = tenders.get(tender_id)
            if tender is None:
                errors.add(notice.row, f"{where} BT-3202", UNKNOWN_REFERENCE, id=tender_id)
                continue
            lot_id = _text(tender, "efac:TenderLot/cbc:ID")
            if lot_id not in contract_lots:
                contract_lots.append(lot_id)
            tender_currency, value = _amount(notice, tender, "cac:LegalMonetaryTotal/"
                                             "cbc:PayableAmount", "BT-720", errors)
            if value is not None:
                currency, amount, priced = tender_currency, amount + value, True
            for party in parties.get(_text(tender, "efac:TenderingParty/cbc:ID"), []):
                organisation = organisations.get(party)
                if organisation is None:
                    errors.add(notice.row, f"{where} OPT-300", UNKNOWN_REFERENCE, id=party)
                    continue
                if organisation.orgnr and not orgnr_rules.is_valid(organisation.orgnr):
                    errors.add(notice.row, f"{notice.name} BT-501 {party}", BAD_ORGNR)
                    continue
                winners[organisation.key] = WinnerData(
                    party_key=organisation.key[:120], name=organisation.name or party,
                    orgnr=organisation.orgnr, size_class=organisation.size_class,
                    postal_code=organisation.postal_code)
        tenders_received = sme = None
        known = None
        for lot_id in contract_lots:
            lot_result = lot_results.get(lot_id)
            if lot_result is None or lot_id in counted:
                continue
            counted.add(lot_id)  # a lot's tenders count on its first contract only
            received = _count(notice, lot_result, "tenders", errors)
            if received is not None:
                tenders_received = (tenders_received or 0) + received
            small = _count(notice, lot_result, "t-sme", errors)
            if small is None:
                parts = [_count(notice, lot_result, code, errors)
                         for code in ("t-micro", "t-small", "t-med")]
                small = sum(p for p in parts if p is not None) if any(
                    p is not None for p in parts) else None
            if small is not None and received is not None:
                sme = (sme or 0) + min(small, received)
                known = (known or 0) + received
        lot = lots.get(contract_lots[0]) if contract_lots else None
        deadline = (lot.deadline if lot else None) or (competition.deadline if competition
                                                        else None)
        suitability = lot.suitability if lot and lot.suitability is not None else (
            competition.suitability if competition else None)
        tender_currency, tender_amount = (lot.currency, lot.amount) if lot and lot.amount \
            else (row.currency, row.estimated_amount)
        if tender_amount is None and competition is not None:
            tender_currency, tender_amount = competition.currency, competition.amount
        concluded = _date(notice, contract, "cbc:IssueDate", f"{contract_id} BT-145",
                          errors) or row.issue_date
        awards.append(AwardData(
            ocid=notice.notice_id, award_key=contract_id[:120],
            title=(_title(contract, "cbc:Title") or row.title)[:300], cpv_code=row.cpv_code,
            procedure=row.procedure, method_details=f"eForms {notice.subtype}",
            award_criteria=criteria, number_of_tenderers=tenders_received,
            currency=currency, amount=amount if priced and amount else None,
            tender_currency=tender_currency, tender_amount=tender_amount,
            tender_deadline=deadline, award_date=concluded,
            decision_days=decision_days(deadline, concluded), suitability_sme=suitability,
            bids_known_size=known, sme_bids=sme,
            winners=[winners[key] for key in sorted(winners)]))
    return awards


# --- storing ----------------------------------------------------------------------------------


def _stored_versions(session: Session, organisation_id: int,
                     notice_ids: list[str]) -> dict[str, tuple[int, str]]:
    found = {}
    for start in range(0, len(notice_ids), 500):
        statement = select(col(EformsNotice.notice_id), col(EformsNotice.version)).where(
            col(EformsNotice.organisation_id) == organisation_id,
            col(EformsNotice.notice_id).in_(notice_ids[start:start + 500]))
        for notice_id, version in session.execute(statement):
            found[notice_id] = _version_key(version)
    return found


def _competitions_by_procedure(session: Session,
                               organisation_id: int) -> dict[str, _Competition]:
    statement = select(EformsNotice).where(col(EformsNotice.organisation_id) == organisation_id,
                                           col(EformsNotice.form) == "competition",
                                           col(EformsNotice.procedure_id) != "")
    return {row.procedure_id: _Competition(row.tender_deadline, row.suitability_sme,
                                           row.currency, row.estimated_amount)
            for row in session.scalars(statement)}


NOTICE_FIELDS = ("version", "subtype", "form", "procedure_id", "issue_date", "buyer_orgnr",
                 "buyer_name", "title", "cpv_code", "procedure", "currency", "estimated_amount",
                 "tender_deadline", "suitability_sme", "climate_code")


def _store_notices(session: Session, parsed: Iterable[_Parsed],
                   run: ImportRun) -> tuple[int, int]:
    items = list(parsed)
    existing = {row.notice_id: row for row in session.scalars(select(EformsNotice).where(
        col(EformsNotice.organisation_id) == run.organisation_id,
        col(EformsNotice.notice_id).in_([p.row.notice_id for p in items])))}
    inserted = updated = 0
    for item in items:
        row = existing.get(item.row.notice_id)
        if row is None:
            item.row.import_id = run.id
            item.row.organisation_id = run.organisation_id
            session.add(item.row)
            inserted += 1
            continue
        changes = {name: getattr(item.row, name) for name in NOTICE_FIELDS
                   if getattr(row, name) != getattr(item.row, name)}
        if changes:
            for name, value in changes.items():
                setattr(row, name, value)
            row.import_id = run.id
            session.add(row)
            updated += 1
    session.flush()
    return inserted, updated


def _remove_stale_awards(session: Session, organisation_id: int, parsed: list[_Parsed]) -> int:
    """Contracts an earlier version had and this one has not."""
    removed = 0
    for item in parsed:
        if item.row.form != "result":
            continue
        keep = [award.award_key for award in item.awards]
        statement = delete(Award).where(col(Award.organisation_id) == organisation_id,
                                        col(Award.source) == SOURCE,
                                        col(Award.ocid) == item.row.notice_id,
                                        col(Award.award_key).not_in(keep))
        removed += affected_rows(session.execute(statement)) or 0
    session.flush()
    return removed


def _fill_from_competitions(session: Session, organisation_id: int,
                            parsed: list[_Parsed]) -> int:
    """Awards imported before a competition notice of their procedure get the tender facts
    they lack from it, as a result notice imported after it does."""
    filled = 0
    for item in parsed:
        row = item.row
        if row.form != "competition" or not row.procedure_id:
            continue
        results = select(col(EformsNotice.notice_id)).where(
            col(EformsNotice.organisation_id) == organisation_id,
            col(EformsNotice.form) == "result",
            col(EformsNotice.procedure_id) == row.procedure_id)
        statement = select(Award).where(col(Award.organisation_id) == organisation_id,
                                        col(Award.source) == SOURCE,
                                        col(Award.ocid).in_(results))
        for award in session.scalars(statement):
            changed = False
            if award.tender_deadline is None and row.tender_deadline is not None:
                award.tender_deadline = row.tender_deadline
                award.decision_days = decision_days(award.tender_deadline, award.award_date)
                changed = True
            if award.suitability_sme is None and row.suitability_sme is not None:
                award.suitability_sme = row.suitability_sme
                changed = True
            if award.tender_amount is None and row.estimated_amount is not None:
                book = RateBook.load(session, {row.currency})
                award.tender_currency, award.tender_amount = row.currency, row.estimated_amount
                award.tender_value_ore = book.nok_ore(row.currency, row.estimated_amount,
                                                      award.award_date or award.tender_deadline)
                changed = True
            if changed:
                session.add(award)
                filled += 1
    session.flush()
    return filled
