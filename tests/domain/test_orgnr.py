"""Organisation numbers: python-stdnum's mod-11 check, and all zeros is no organisation."""

from __future__ import annotations

import pytest

from procure.domain.orgnr import check_digit, is_valid, normalise


def test_all_zeros_is_not_an_organisation_number():
    """Issue 19: 000000000 passed the mod-11 check (its check digit is 0)."""
    assert check_digit("00000000") == 0  # why the sum alone lets it through
    assert not is_valid("000000000")
    assert not is_valid(normalise("NO 000 000 000 MVA"))


@pytest.mark.parametrize("orgnr", ["923456783", "934567897", "974760673"])
def test_real_numbers_pass(orgnr):
    assert is_valid(orgnr)


@pytest.mark.parametrize("orgnr", ["923456784", "92345678", "9234567830", "92345678x",
                                   "９２３４５６７８３", "923 456 783", ""])
def test_wrong_numbers_fail(orgnr):
    assert not is_valid(orgnr)
