"""Every example notice of the SDK (91, all 51 subtypes) gets the failed asserts of its official
report, and DFØ's older EU and national test notices their recorded results. Saxon compiles a
validator per subtype (3-6 s each), so this runs under `make bench` (marker `bench`);
test_validate.py keeps a representative set in `make test`."""

from __future__ import annotations

import pytest

from procure.eforms import validate
from procure.eforms.validation import forget_loaded
from tests.eforms.support import (
    TODAY,
    compare_with_report,
    dfo,
    example,
    expected_reports,
    subtype_of,
)

pytestmark = [pytest.mark.bench, pytest.mark.xdist_group("eforms")]
# Grouped by subtype, so that each validator is compiled once and then let go.
NAMES = sorted(expected_reports(), key=lambda name: (subtype_of(example(name)), name))


@pytest.mark.parametrize("name", NAMES)
def test_every_sdk_example_fails_the_asserts_of_its_official_report(name):
    index = NAMES.index(name)
    if index and subtype_of(example(NAMES[index - 1])) != subtype_of(example(name)):
        forget_loaded()  # 51 compiled validators would not fit in memory at once
    compare_with_report(name)


OLDER = {
    "eu/test/can_24.xml": ("eu", {"BR-BT-13713-0116", "BR-BT-13713-0118", "BR-BT-13713-0119",
                                  "BR-BT-13713-0122"}),
    "eu/test/pin-buyer_24.xml": ("eu", {"BR-BT-00001-0155", "BR-BT-00001-0207",
                                        "BR-BT-00507-0353"}),
    "eu/test/pin-only_24.xml": ("eu", {"BR-BT-00127-0100"}),
    "national/test/can_24_maximal_national.xml": ("national", {"BR-BT-13713-0118"}),
    "national/test/can_24_minimal_national.xml": ("national", {
        "BR-BT-13713-0117", "BR-BT-13713-0118", "BR-BT-13713-0119", "BR-BT-13713-0122"}),
    "national/test/pin-only_24_national.xml": ("national", set()),
}


@pytest.mark.parametrize("path", sorted(OLDER))
def test_dfo_older_test_notices_fail_only_rules_newer_than_them(path):
    kind, errors = OLDER[path]
    report = validate(dfo(path), today=TODAY)
    assert report.kind == kind
    assert {f.rule for f in report.errors} == errors
    assert not any(f.rule.startswith("EFORMS-NOR") for f in report.errors)
