from decimal import Decimal

import pytest

from procure.domain.competition import (
    NO_LOCAL_SME,
    TOO_FEW,
    Invitee,
    OfferInput,
    award_criteria,
    evaluate,
    invitation_warnings,
    price_score,
)

D = Decimal


def test_warnings_for_too_few_and_no_local_sme():
    local_small = Invitee("3205", "small")
    elsewhere = Invitee("0301", "micro")
    local_large = Invitee("3205", "large")
    assert invitation_warnings([], "3205") == (TOO_FEW, NO_LOCAL_SME)
    assert invitation_warnings([local_small], "3205") == (TOO_FEW,)
    assert invitation_warnings([elsewhere, local_large, Invitee("3205", "unknown")],
                               "3205") == (NO_LOCAL_SME,)
    assert invitation_warnings([elsewhere, local_large, local_small], "3205") == ()


def test_criteria_from_weights_and_price_alone_without_weights():
    assert award_criteria({"price": D(60), "quality": D(10), "climate": D(30),
                           "other": D(0)}) == (("price", D(60)), ("quality", D(10)),
                                               ("climate", D(30)))
    assert award_criteria({}) == (("price", D(100)),)


def test_price_score_is_proportional():
    assert price_score(D(100), D(100)) == D(10)
    assert price_score(D(200), D(100)) == D(5)
    assert price_score(D(300), D(100)) == D("3.33")


def test_weighted_ranking_with_ties_rejected_and_incomplete_offers():
    criteria = (("price", D(50)), ("quality", D(50)))
    result = evaluate([
        OfferInput(1, D(100), {"quality": D(4)}),          # 50 + 20 = 70
        OfferInput(2, D(200), {"quality": D(10)}),         # 25 + 50 = 75
        OfferInput(3, D(125), {"quality": D(6)}),          # 40 + 30 = 70
        OfferInput(4, D(50), {"quality": D(10)}, rejected=True),
        OfferInput(5, D(150), {}),                         # quality missing
    ], criteria)
    assert [(r.key, r.rank, r.total, r.tied) for r in result.ranked] == [
        (2, 1, D("75.00"), False), (1, 2, D("70.00"), True), (3, 2, D("70.00"), True),
        (5, None, None, False)]
    assert not result.complete and result.best is None
    line = result.for_key(2).lines[0]
    assert (line.criterion, line.score, line.points) == ("price", D("5.00"), D("25.00"))
    assert result.for_key(4) is None  # rejected: no score, no rank


def test_scores_outside_0_to_10_are_refused():
    with pytest.raises(ValueError):
        evaluate([OfferInput(1, D(1), {"quality": D(11)})], (("quality", D(100)),))
