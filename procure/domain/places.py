"""Postal codes and kommuner, from Bring's register shipped in procure/data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
POSTAL_CODES_FILE = DATA_DIR / "postnummer_bring_2026-05-26.tsv"
KOMMUNER_FILE = DATA_DIR / "kommuner_2024.csv"


@dataclass(frozen=True)
class PostalCode:
    code: str
    place: str
    kommunenummer: str
    kommune: str


@cache
def load_postal_codes(path: Path = POSTAL_CODES_FILE) -> dict[str, PostalCode]:
    """Postal code -> place and kommune (2024 numbering)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row[0]: PostalCode(row[0], row[1], row[2], row[3])
            for row in csv.reader(handle, delimiter="\t")
            if len(row) >= 4
        }


@cache
def load_kommuner(path: Path = KOMMUNER_FILE) -> dict[str, str]:
    """Kommunenummer -> name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["kommunenummer"]: row["kommunenavn_nav"] for row in csv.DictReader(handle)}


def kommunenummer_for(postal_code: str, path: Path = POSTAL_CODES_FILE) -> str | None:
    entry = load_postal_codes(path).get(postal_code.strip())
    return entry.kommunenummer if entry else None
