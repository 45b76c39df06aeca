"""Contract awards from OCDS packages and from procure's own tenders."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from sqlalchemy import func, select

from procure.domain.statistics import Filters
from procure.ingest import ImportFileError, ImportRejected
from procure.models import (
    Award,
    AwardSupplier,
    Competition,
    CompetitionOffer,
    Organisation,
    Supplier,
    Tender,
)
from procure.services import statistics
from tests.support.owned import import_ocds, import_rates, owned, owner, sync_tender_awards

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "statistics"
OCDS_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"
PACKAGE = json.loads((FIXTURES / "ocds_release_package.json").read_text(encoding="utf-8"))


def ocds(db, package: dict, name: str = "package.json"):
    return import_ocds(db, io.BytesIO(json.dumps(package).encode()), name)


def test_the_fixture_is_a_valid_ocds_1_1_5_release_package():
    schemas = OCDS_SCHEMA / "schema-1.1.5"
    release = json.loads((schemas / "release-schema.json").read_text())
    package = json.loads((schemas / "release-package-schema.json").read_text())
    resource = Resource.from_contents(release, default_specification=DRAFT4)
    registry = Registry().with_resource(release["id"], resource)
    Draft4Validator(package, registry=registry).validate(PACKAGE)
    for item in PACKAGE["releases"]:
        Draft4Validator(release, registry=registry).validate(item)
    scale = json.loads((OCDS_SCHEMA / "extensions" / "partyDetails_scale-release-schema.json")
                       .read_text())
    allowed = scale["definitions"]["Organization"]["properties"]["details"]["properties"][
        "scale"]["enum"]
    assert all(p.get("details", {}).get("scale") in allowed
               for r in PACKAGE["releases"] for p in r.get("parties", []))


def test_awards_suppliers_and_tender_fields(db):
    run = ocds(db, PACKAGE)
    db.commit()
    assert (run.inserted, run.updated, run.rows_read) == (3, 0, 3)
    assert run.notes == {"releases": 4, "awards_left_out": 1}  # the cancelled lot
    awards = {a.award_key: a for a in db.scalars(select(Award))}
    first = awards["0001-a1"]
    assert (first.title, first.cpv_code, first.procedure, first.award_criteria) == (
        "Renhold av barnehager", "90911200-8", "open", "priceOnly")
    assert (first.number_of_tenderers, first.tender_deadline, first.award_date) == (
        1, date(2025, 3, 1), date(2025, 4, 15))
    assert (first.decision_days, first.suitability_sme) == (45, True)
    assert (first.tender_value_ore, first.value_ore) == (100_000_000, 95_000_000)
    assert (first.bids_known_size, first.sme_bids) == (1, 1)
    lot = awards["0002-lot1"]
    assert (lot.decision_days, lot.bids_known_size, lot.sme_bids) == (30, 2, 1)
    direct = awards["0003-a"]
    assert (direct.procedure, direct.decision_days, direct.number_of_tenderers) == (
        "direct", None, None)
    winners = {w.party_key: w for w in db.scalars(select(AwardSupplier))}
    assert winners["934567897"].size_class == "small"
    assert winners["975312461"].size_class == "large"  # "975 312 461" normalised
    foreign = winners["party:SE-1"]
    assert (foreign.supplier_orgnr, foreign.size_class, foreign.supplier_id) == ("", "sme", None)
    assert foreign.name.startswith("=HYPERLINK")
    # Winners with a valid number are added to the register with the scale as their size.
    added = db.scalar(select(Supplier).where(Supplier.orgnr == "934567897"))
    assert (added.size_class, added.size_basis, added.kommunenummer) == (
        "small", "ocds-scale", "3205")


def test_ocds_awards_feed_the_indicators(db):
    ocds(db, PACKAGE)
    db.commit()
    f = statistics.indicator_figures(db, owned(Filters(date(2025, 1, 1), date(2025, 12, 31)), db))
    assert f["sme_share_winners"].value == pytest.approx(2 / 3)  # small, large, sme
    assert f["single_bidder_share"].value == pytest.approx(1 / 2)
    assert f["single_bidder_share"].coverage == pytest.approx(2 / 3)
    assert f["price_only_share"].value == pytest.approx(1 / 2)
    assert f["decision_days_avg"].value == pytest.approx(37.5)
    assert f["sme_bids_share"].value == pytest.approx(2 / 3)


def test_reimport_changes_nothing_and_a_change_is_an_update(db):
    ocds(db, PACKAGE)
    db.commit()
    again = ocds(db, PACKAGE)
    db.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = copy.deepcopy(PACKAGE)
    changed["releases"][1]["awards"][0]["value"]["amount"] = 960000
    changed["releases"][1]["parties"][0]["details"]["scale"] = "medium"
    third = ocds(db, changed)
    db.commit()
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 2)
    assert db.scalar(select(AwardSupplier.size_class).where(
        AwardSupplier.party_key == "934567897")) == "medium"
    assert db.scalar(select(func.count()).select_from(AwardSupplier)) == 3


def test_bad_releases_change_nothing_and_are_reported(db):
    bad = copy.deepcopy(PACKAGE)
    bad["releases"][1]["awards"][0]["value"]["currency"] = "kroner"
    bad["releases"][2]["parties"][0]["identifier"]["id"] = "975312462"
    bad["releases"][3]["awards"][0]["date"] = "10.06.2025"
    bad["releases"][2]["tender"]["items"][0]["classification"]["id"] = "99999999"
    bad["releases"].append({"id": "x", "date": "2025-01-01T00:00:00Z"})
    with pytest.raises(ImportRejected) as caught:
        ocds(db, bad)
    db.rollback()
    found = {(row, field) for row, field, _m, _p in caught.value.errors.items}
    assert found == {(2, "awards[0].value.currency"), (3, "parties[S1].identifier.id"),
                     (3, "tender.items[0].classification.id"), (4, "awards[0].date"),
                     (5, "ocid")}
    assert db.scalar(select(func.count()).select_from(Award)) == 0


def test_record_packages_and_wrong_files(db):
    records = {"records": [{"ocid": r["ocid"], "compiledRelease": r}
                           for r in PACKAGE["releases"][2:]]}
    run = ocds(db, records, "records.json")
    assert run.inserted == 2
    with pytest.raises(ImportFileError):
        ocds(db, {"hello": "world"})
    with pytest.raises(ImportFileError):
        import_ocds(db, io.BytesIO(b"{not json"), "x.json")
    with pytest.raises(ImportFileError):
        import_ocds(db, io.BytesIO(b"a,b\n"), "x.csv")


def test_awards_from_procures_own_tenders(db):
    organisation = Organisation(name="Testkommune", orgnr="923456783", kommunenummer="3205")
    winner = Supplier(orgnr="934567897", name="Strømmen Renhold AS", size_class="small")
    other = Supplier(orgnr="975312461", name="Nordisk Bygg AS", size_class="large")
    db.add_all([organisation, winner, other])
    db.flush()
    awarded = Tender(organisation_id=organisation.id, reference="2025-001", title="Renhold",
                     cpv_code="90911200-8", procedure="simplified-competition",
                     estimated_value=Decimal("800000"), tender_deadline=date(2025, 3, 1),
                     weight_price=Decimal(100),
                     awarded_at=datetime(2025, 3, 20, 23, 30, tzinfo=UTC))
    open_only = Tender(organisation_id=organisation.id, reference="2025-002", title="Åpen",
                       opened_at=datetime(2025, 3, 1, tzinfo=UTC))
    db.add_all([awarded, open_only])
    db.flush()
    db.add(Competition(tender_id=awarded.id, winner_supplier_id=winner.id))
    for supplier in (winner, other):
        db.add(CompetitionOffer(tender_id=awarded.id, supplier_id=supplier.id,
                                price=Decimal(1000) if supplier is winner else Decimal(900),
                                received_on=date(2025, 3, 1)))
    db.commit()
    run = sync_tender_awards(db)
    db.commit()
    assert run.inserted == 1
    award = db.scalar(select(Award))
    assert (award.source, award.award_date, award.decision_days) == (
        "procure", date(2025, 3, 21), 20)  # 23:30 UTC is the next day in Oslo
    assert (award.number_of_tenderers, award.bids_known_size, award.sme_bids) == (2, 2, 1)
    assert (award.award_criteria, award.tender_value_ore, award.tender_id) == (
        "priceOnly", 80_000_000, awarded.id)
    # The awarded value is the winning offer's price, not 0 and not the estimate.
    assert (award.value_ore, award.amount, award.currency) == (100_000, Decimal(1000), "NOK")
    assert db.scalar(select(AwardSupplier.supplier_id)) == winner.id
    again = sync_tender_awards(db)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)


# --- OCDS as the standard defines it ---------------------------------------------------------

PACKAGES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds" / "packages"
RATES = Path(__file__).resolve().parents[1] / "fixtures" / "rates"


def fixture(db, name: str):
    with (PACKAGES / name).open("rb") as stream:
        return import_ocds(db, stream, name)


def awards_by_key(db) -> dict[str, Award]:
    return {a.award_key: a for a in db.scalars(select(Award))}


def _validator(name: str) -> Draft4Validator:
    schemas = OCDS_SCHEMA / "schema-1.1.5"
    release = json.loads((schemas / "release-schema.json").read_text())
    resource = Resource.from_contents(release, default_specification=DRAFT4)
    registry = Registry().with_resource(release["id"], resource).with_resource(
        "https://standard.open-contracting.org/schema/1__1__5/release-schema.json", resource)
    return Draft4Validator(json.loads((schemas / name).read_text()), registry=registry)


@pytest.mark.parametrize("name", ["record_package_compiled.json",
                                  "record_package_embedded.json"])
def test_the_record_fixtures_are_valid_ocds_1_1_5_record_packages(name):
    package = json.loads((PACKAGES / name).read_text(encoding="utf-8"))
    errors = list(_validator("record-package-schema.json").iter_errors(package))
    assert errors == []


def test_a_record_package_with_compiled_releases_imports_its_awards(db):
    # Paraguay DNCP: compiledRelease beside linked releases, amounts in PYG.
    run = fixture(db, "record_package_compiled.json")
    db.commit()
    assert (run.inserted, run.rows_read) == (2, 2)
    assert run.notes["currencies"] == {"PYG": {"awards": 2, "valued": 0}}
    assert run.notes["awards_without_rate"] == 2
    award = awards_by_key(db)["438910-1"]
    assert (award.currency, award.amount, award.value_ore) == ("PYG", Decimal(135630400), None)
    assert (award.tender_currency, award.tender_value_ore) == ("PYG", None)
    assert (award.procedure, award.number_of_tenderers, award.decision_days) == (
        "open", 3, 19)
    winners = {w.party_key: w for w in db.scalars(select(AwardSupplier))}
    assert winners["party:PY-RUC-80007525-0"].size_class == "sme"
    assert winners["party:PY-RUC-80012345-6"].name == "TECNOLOGIA GLOBAL S.A."


def test_a_record_package_with_embedded_releases_is_compiled_by_the_merge_rules(db):
    # Mexico CDMX: no compiledRelease. The later release (listed first) makes the award
    # active with a new value and names the supplier party in full; the earlier release gives
    # the tender and the award's suppliers.
    run = fixture(db, "record_package_embedded.json")
    db.commit()
    assert run.inserted == 1
    award = db.scalar(select(Award))
    assert (award.award_key, award.currency, award.amount) == ("1", "MXN", Decimal(1250000))
    assert (award.title, award.number_of_tenderers, award.procedure) == (
        "ARRENDAMIENTO DE BIENES INFORMÁTICOS", 2, "selective")
    assert award.tender_amount == Decimal("1311264")
    winner = db.scalar(select(AwardSupplier))
    assert (winner.party_key, winner.name) == ("party:MX-RFC-C&C021030KX2",
                                               "COMUNIC@RTE & CONSULTING SA DE CV")


def test_linked_releases_without_a_compiled_release_are_refused_with_the_reason(db):
    with pytest.raises(ImportRejected) as caught:
        fixture(db, "record_package_linked_only.json")
    [(row, field, msgid, _params)] = caught.value.errors.items
    assert (row, field) == (1, "releases")
    assert "linked releases cannot be compiled" in msgid
    assert db.scalar(select(func.count()).select_from(Award)) == 0


def test_json_lines_of_releases_with_the_cpv_in_tender_classification(db):
    run = fixture(db, "releases.jsonl")
    db.commit()
    assert run.inserted == 2
    assert {a.award_key: a.cpv_code for a in db.scalars(select(Award))} == {
        "0-1": "45000000-7", "1-1": "90911200-8"}
    # The same lines in a .json file are read as JSON Lines as well.
    again = import_ocds(db, io.BytesIO((PACKAGES / "releases.jsonl").read_bytes()), "r.json")
    assert (again.inserted, again.unchanged) == (0, 2)


def test_json_lines_of_packages(db):
    lines = b"\n".join(json.dumps({"releases": [r]}).encode() for r in PACKAGE["releases"])
    run = import_ocds(db, io.BytesIO(lines + b"\n\n"), "packages.jsonl")
    assert run.inserted == 3


def test_a_bad_json_line_is_named(db):
    with pytest.raises(ImportFileError) as caught:
        import_ocds(db, io.BytesIO(b'{"ocid": "a"}\n{"ocid": \n'), "x.jsonl")
    assert caught.value.params["line"] == 2


def test_ocds_1_0_suppliers_written_inline(db):
    run = fixture(db, "release_package_1_0.json")
    db.commit()
    assert run.inserted == 1
    winners = {w.party_key: w for w in db.scalars(select(AwardSupplier))}
    assert set(winners) == {
        "Registro Único de Contribuyente emitido por el Ministerio de Hacienda:80007525-0",
        "934567897"}
    assert winners["934567897"].supplier_orgnr == "934567897"
    award = db.scalar(select(Award))
    assert (award.currency, award.amount, award.tender_amount) == (
        "PYG", Decimal(135630400), None)


def test_inline_supplier_without_identifier_is_known_by_name_and_one_without_both_is_bad(db):
    package = json.loads((PACKAGES / "release_package_1_0.json").read_text(encoding="utf-8"))
    package["releases"][0]["awards"][0]["suppliers"] = [{"name": "MASTER SOFT SRL"}]
    ocds(db, package)
    assert db.scalar(select(AwardSupplier.party_key)) == "name:MASTER SOFT SRL"
    package["releases"][0]["awards"][0]["suppliers"] = [{"address": {}}]
    with pytest.raises(ImportRejected) as caught:
        ocds(db, package)
    assert [tuple(e[:2]) for e in caught.value.errors.items] == [(1, "awards[0].suppliers[0]")]


def test_versioned_releases_get_a_clear_message(db):
    with pytest.raises(ImportFileError) as caught:
        fixture(db, "record_package_versioned.json")
    assert caught.value.msgid.startswith("Versioned releases are not supported")
    release = {"ocid": "x", "tender": {"title": [{"releaseID": "1", "releaseDate": "2020",
                                                  "releaseTag": ["tender"], "value": "A"}]}}
    with pytest.raises(ImportFileError) as caught:
        ocds(db, {"releases": [release]})
    assert caught.value.msgid.startswith("Versioned releases are not supported")


def test_a_zero_amount_without_currency_is_an_unknown_value(db):
    run = fixture(db, "record_package_zero_amount.json")
    db.commit()
    assert run.inserted == 1
    assert run.notes["awards_value_unknown"] == 1
    award = db.scalar(select(Award))
    assert (award.amount, award.value_ore, award.tender_value_ore) == (None, None, None)


def test_a_file_with_nothing_to_import_is_refused(db):
    with pytest.raises(ImportFileError) as caught:
        ocds(db, {"releases": [PACKAGE["releases"][0]]})  # a tender release: no awards
    assert "no awards" in caught.value.msgid
    with pytest.raises(ImportFileError):
        ocds(db, {"records": []})
    cancelled = copy.deepcopy(PACKAGE["releases"][1])
    cancelled["awards"][0]["status"] = "cancelled"
    with pytest.raises(ImportFileError) as caught:
        ocds(db, {"releases": [cancelled]})
    assert caught.value.params == {"count": 1}


# --- currencies ------------------------------------------------------------------------------


def rates(db, name: str = "norges_bank_exr.csv"):
    with (RATES / name).open("rb") as stream:
        return import_rates(db, stream, name)


def test_norges_bank_rates_value_awards_in_their_currency(db):
    fixture(db, "record_package_embedded.json")  # MXN, awarded 2015-12-30
    fixture(db, "record_package_compiled.json")  # PYG: Norges Bank has no rate
    db.commit()
    run = rates(db)
    db.commit()
    assert (run.inserted, run.rows_read) == (6, 6)  # the SEK day without a value is skipped
    assert run.notes["currencies"]["MXN"] == {"from": "2015-12-29", "to": "2016-02-12",
                                              "days": 3, "awards": 1, "valued": 1}
    assert run.notes["currencies"]["SEK"]["days"] == 1
    award = db.scalar(select(Award).where(Award.currency == "MXN"))
    # 1 250 000 MXN at 0.5108 NOK (the rate of 2015-12-30), and the tender value too.
    assert award.value_ore == 63_850_000
    assert award.tender_value_ore == round(Decimal("1311264") * Decimal("0.5108") * 100)
    from procure.models import ExchangeRate
    sek = db.scalar(select(ExchangeRate).where(ExchangeRate.currency == "SEK"))
    assert sek.nok_per_unit == Decimal("1.0482")  # per 100 in the file
    again = rates(db)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def test_rates_already_stored_value_an_ocds_import_and_the_nearest_earlier_day_is_used(db):
    rates(db)
    package = json.loads((PACKAGES / "record_package_zero_amount.json").read_text())
    compiled = package["records"][0]["compiledRelease"]
    compiled["awards"][0]["value"] = {"amount": 1000, "currency": "MXN"}
    compiled["awards"][0]["date"] = "2016-02-15T00:00:00-06:00"  # a Monday: Friday's rate
    run = ocds(db, package, "records.json")
    assert run.notes["currencies"] == {"MXN": {"awards": 1, "valued": 1}}
    assert db.scalar(select(Award.value_ore)) == 47_010
    compiled["awards"][0]["date"] = "2016-03-15T00:00:00-06:00"  # a month after the last rate
    run = ocds(db, package, "records.json")
    assert run.notes["awards_without_rate"] == 1
    assert db.scalar(select(Award.value_ore)) is None


def test_a_simple_rate_file_and_bad_rows(db):
    good = b"currency;date;rate\nEUR;2015-12-30;9,603\nusd;2015-12-30;8.85\n"
    run = import_rates(db, io.BytesIO(good), "rates.csv")
    assert run.inserted == 2
    bad = (b"currency;date;rate\nNOK;2015-12-30;1\nEURO;2015-12-30;9\nEUR;30.13.2015;9\n"
           b"EUR;2015-12-31;-1\n")
    with pytest.raises(ImportRejected) as caught:
        import_rates(db, io.BytesIO(bad), "rates.csv")
    assert [tuple(e[:2]) for e in caught.value.errors.items] == [
        (2, "currency"), (3, "currency"), (4, "date"), (5, "rate")]
    with pytest.raises(ImportFileError):
        import_rates(db, io.BytesIO(b"valuta;kurs\nEUR;9\n"), "rates.csv")


def test_foreign_awards_count_in_count_indicators_and_are_shown_as_excluded_from_values(db):
    from procure.services.rates import excluded_from_values

    fixture(db, "record_package_compiled.json")  # PYG, no rate
    ocds(db, PACKAGE)  # NOK
    db.commit()
    filters = owned(Filters(date(2024, 1, 1), date(2025, 12, 31)), db)
    figures = statistics.indicator_figures(db, filters)
    # Two PYG awards (SME and large winners) join the three NOK ones (small, large, SME).
    assert figures["sme_share_winners"].value == pytest.approx(3 / 5)
    assert excluded_from_values(db, filters) == {"PYG": 2}
    breakdown = statistics.award_breakdown(db, filters)
    nok = db.scalar(select(func.sum(Award.value_ore)).where(Award.currency == "NOK"))
    assert sum(row["amount"] for row in breakdown.rows) == pytest.approx(nok / 100)
    assert sum(row["awards"] for row in breakdown.rows) == 5


# --- command line ------------------------------------------------------------------------------


def test_cli_exits_1_when_a_package_has_nothing_to_import(runner, db):
    owner(db)  # the one organisation: the commands work for it
    db.commit()
    result = runner.invoke(args=["import", "ocds",
                                 str(PACKAGES / "record_package_linked_only.json")])
    assert result.exit_code == 1
    assert "linked releases cannot be compiled" in result.output
    result = runner.invoke(args=["import", "ocds", str(PACKAGES / "record_package_versioned.json")])
    assert result.exit_code == 1
    assert "Versioned releases are not supported" in result.output
    assert db.scalar(select(func.count()).select_from(Award)) == 0


def test_cli_rates_import_reports_the_rates_used_and_what_is_left_out(runner, db):
    owner(db)
    db.commit()
    result = runner.invoke(args=["import", "ocds", str(PACKAGES / "record_package_compiled.json")])
    assert result.exit_code == 0, result.output
    assert "PYG: 0 of 2 awards valued in NOK; 2 left out of the value indicators" in result.output
    result = runner.invoke(args=["import", "ocds", str(PACKAGES / "record_package_embedded.json")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["rates", "import", str(RATES / "norges_bank_exr.csv")])
    assert result.exit_code == 0, result.output
    assert "MXN: 3 daily rates 2015-12-29 to 2016-02-12; 1 of 1 awards valued in NOK" in (
        result.output)
    assert "SEK: 1 daily rates 2015-12-30 to 2015-12-30" in result.output
    result = runner.invoke(args=["stats", "show", "--from", "2015-01-01", "--to", "2025-12-31"])
    assert result.exit_code == 0, result.output
    assert "Awards left out of award values (no exchange rate for their date): PYG 2." in (
        result.output)


def test_procure_awards_take_the_partnership_value_and_are_unknown_without_one(db):
    from procure.models import InnovationPartnership, PartnershipPhase

    organisation = Organisation(name="Testkommune", orgnr="923456783", kommunenummer="3205")
    db.add(organisation)
    db.flush()
    moment = datetime(2025, 5, 2, 10, tzinfo=UTC)
    partnership = Tender(organisation_id=organisation.id, reference="2025-010",
                         title="Partnerskap", track="innovation-partnership",
                         estimated_value=Decimal("5000000"), awarded_at=moment)
    unknown = Tender(organisation_id=organisation.id, reference="2025-011", title="Åpen anbud",
                     procedure="open", estimated_value=Decimal("2000000"), awarded_at=moment)
    db.add_all([partnership, unknown])
    db.flush()
    db.add(InnovationPartnership(tender_id=partnership.id, partners_selected_at=moment,
                                 purchase_max_cost=Decimal("3000000")))
    for number, cost in ((1, "400000"), (2, "1100000.50")):
        db.add(PartnershipPhase(tender_id=partnership.id, number=number, name=f"Fase {number}",
                                interim_targets="Mål", max_cost=Decimal(cost)))
    db.commit()
    sync_tender_awards(db)
    db.commit()
    values = {a.tender_id: (a.value_ore, a.amount, a.tender_value_ore)
              for a in db.scalars(select(Award))}
    assert values[partnership.id] == (450_000_050, Decimal("4500000.50"), 500_000_000)
    # No competition and no partnership: the awarded value is unknown, not 0 or the estimate.
    assert values[unknown.id] == (None, None, 200_000_000)
    rows = {r["key"]: r for r in statistics.award_breakdown(
        db, owned(Filters(date(2025, 1, 1), date(2025, 12, 31)), db)).rows}
    assert rows["open"]["amount"] is None
    assert rows["innovation-partnership"]["amount"] == pytest.approx(4_500_000.5)


def test_a_json_array_of_packages_and_a_compiled_release_without_its_own_ocid(db):
    record = json.loads((PACKAGES / "record_package_compiled.json").read_text())["records"][0]
    del record["compiledRelease"]["ocid"]
    run = ocds(db, [{"records": [record]}, {"releases": PACKAGE["releases"][2:]}])
    assert run.inserted == 3
    assert db.scalar(select(Award.ocid).where(Award.currency == "PYG")) == record["ocid"]
