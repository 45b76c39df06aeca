"""`procure tender list` and the audit and protocol in `procure tender show --json`."""

from __future__ import annotations

import json


def test_tender_list_and_show_json_with_audit_and_protocol(runner, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result = runner.invoke(args=["tender", "list", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert set(items[0]) == {"id", "reference", "title", "track", "status", "track_label",
                             "status_label"}
    by_ref = {item["reference"].split("-", 1)[1]: item for item in items}
    assert by_ref["DEMO-MD1"]["track"] == "innovation-partnership"
    assert by_ref["DEMO-MD1"]["status"] == "evaluation"
    assert by_ref["DEMO-MD2"]["track"] == "market-dialogue"
    text = runner.invoke(args=["tender", "list"]).output
    assert "DEMO-MD2" in text and "Markedsdialog før konkurranse" in text
    assert "market-dialogue" not in text and "draft" not in text  # labels, never codes

    for key, phase, status in (("DEMO-MD1", "done", "evaluation"),
                               ("DEMO-MD2", "in_progress", "draft")):
        result = runner.invoke(args=["tender", "show", str(by_ref[key]["id"]), "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        actions = [event["action"] for event in data["audit"]]
        assert actions[0] == "tender.created" and "dialogue.needs_saved" in actions
        assert all(event["at"] for event in data["audit"])
        protocol = data["protocol"]
        assert protocol["reference"] == data["reference"]
        assert protocol["missing"] == []  # the demo protocols are complete
        assert protocol["status"] == status
        assert protocol["market_dialogue"]["phases"]["dialogue"] == phase
        assert protocol["trail"]


def test_show_json_has_the_innovation_partnership_in_the_protocol(runner, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    items = json.loads(runner.invoke(args=["tender", "list", "--json"]).output)
    by_ref = {item["reference"].split("-", 1)[1]: item for item in items}
    assert by_ref["DEMO-IP1"]["track"] == "innovation-partnership"
    assert by_ref["DEMO-IP1"]["status"] == "awarded"
    result = runner.invoke(args=["tender", "show", str(by_ref["DEMO-IP1"]["id"]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    protocol = data["protocol"]
    assert protocol["missing"] == []
    assert protocol["value"] == "33 000 000 kr ekskl. mva."
    partnership = protocol["innovation_partnership"]
    assert len(partnership["candidates"]) == 4 and partnership["cap"] == 3
    assert [p["name"] for p in partnership["partners"]] == ["Fetsund IT-Service AS",
                                                           "Kjeller Elektro AS"]
    assert [(p["state"], p["decision"]) for p in partnership["phases"]] == [
        ("Gjennomført", "fortsette"), ("Pågår", ""), ("Planlagt", "")]
    assert partnership["value_lines"][-1] == "Anslått verdi i alt: 33 000 000 kr ekskl. mva."
    assert partnership["ipr"]["ownership"].startswith("Kommunen og leverandøren")
    actions = [event["action"] for event in data["audit"]]
    assert actions.index("partnership.partners_selected") < actions.index(
        "partnership.phase_decided")
    # The dialogue converted into a partnership has its participants as candidates.
    dialogue = json.loads(runner.invoke(args=[
        "tender", "show", str(by_ref["DEMO-MD1"]["id"]), "--json"]).output)["protocol"]
    sources = {c["source"] for c in dialogue["innovation_partnership"]["candidates"]}
    assert sources == {"markedsdialogen"} and dialogue["innovation_partnership"]["rounds"]
