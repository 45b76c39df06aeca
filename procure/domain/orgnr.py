"""Norwegian organisation numbers (organisasjonsnummer): 9 digits, the last a mod-11 check digit."""

from __future__ import annotations

from stdnum.no import orgnr as stdnum_orgnr

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalise(raw: object) -> str:
    """Digits only, without spaces, an 'NO' prefix or an 'MVA' suffix: ' NO 923 456 783 MVA'
    gives '923456783'. Anything else is returned stripped, so it can be reported as given."""
    text = "" if raw is None else str(raw).strip()
    compact = text.upper().replace(" ", "").replace("\u00a0", "").replace(".", "")
    if compact.startswith("NO"):
        compact = compact[2:]
    if compact.endswith("MVA"):
        compact = compact[:-3]
    return compact if compact.isdigit() else text


def check_digit(first_eight: str) -> int | None:
    """The check digit for eight digits, or None when the remainder is 1 (no valid number)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def is_valid(orgnr: str) -> bool:
    """Nine ASCII digits whose ninth is the mod-11 check digit of the first eight (checked
    with python-stdnum's no.orgnr), and not all zeros: 000000000 passes the mod-11 sum but is
    no organisation (issue 19)."""
    if len(orgnr) != 9 or not orgnr.isascii() or not orgnr.isdigit():
        return False
    if orgnr == "000000000":
        return False
    return stdnum_orgnr.is_valid(orgnr)
