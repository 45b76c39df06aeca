from procure.domain.places import kommunenummer_for, load_kommuner, load_postal_codes


def test_lillestrom_postal_codes_map_to_3205():
    for code in ("2000", "2007", "2010", "2013", "2020", "1900"):
        assert kommunenummer_for(code) == "3205"


def test_unknown_postal_code_gives_none():
    assert kommunenummer_for("0000") is None
    assert kommunenummer_for("abcd") is None


def test_register_is_complete():
    assert len(load_postal_codes()) > 5000
    kommuner = load_kommuner()
    assert len(kommuner) >= 357
    assert kommuner["3205"] == "Lillestrøm"
