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
from procure.services.imports import ImportFileError, ImportRejected
from procure.services.imports.ocds import import_ocds
from procure.services.imports.tenders import sync_tender_awards

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
    f = statistics.indicator_figures(db, Filters(date(2025, 1, 1), date(2025, 12, 31)))
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
    bad["releases"][1]["awards"][0]["value"]["currency"] = "EUR"
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
    records = {"records": [{"ocid": r["ocid"], "compiledRecord": r}
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
                                price=Decimal(1000), received_on=date(2025, 3, 1)))
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
    assert db.scalar(select(AwardSupplier.supplier_id)) == winner.id
    again = sync_tender_awards(db)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
