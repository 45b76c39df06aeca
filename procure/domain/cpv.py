"""CPV 2008 codes with English and Bokmål labels: lookup by code, search for autocomplete."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CPV_PATH = Path(__file__).resolve().parents[1] / "data" / "cpv2008.csv"
LANGS = ("nb", "en")

_CODE_RE = re.compile(r"^(\d{8})(?:-(\d))?$")
_NUMERIC_QUERY_RE = re.compile(r"^\d[\d -]*$")


def parse_code(code: str) -> tuple[str, str | None]:
    """Split '34144910-0' into ('34144910', '0') and '34144910' into ('34144910', None)."""
    match = _CODE_RE.match(code.strip())
    if not match:
        raise ValueError(f"not a CPV code: {code!r} (expected 8 digits, optionally '-' and 1)")
    return match.group(1), match.group(2)


def division(code: str) -> str:
    """The CPV division, the first two digits: '34144910-0' -> '34'."""
    return parse_code(code)[0][:2]


def hierarchy_prefix(code: str) -> str:
    """The digits that place a code in the tree: '34100000-8' -> '341', '45000000-7' -> '45'."""
    code8 = parse_code(code)[0]
    # Trailing zeros only mark the level; a division keeps both its digits ('30', '03').
    return code8[: max(2, len(code8.rstrip("0")))]


@dataclass(frozen=True)
class CpvCode:
    """One CPV code with its official check digit and labels."""

    code: str
    label_en: str
    label_nb: str

    @property
    def code8(self) -> str:
        """The eight digits without the check digit."""
        return self.code[:8]

    @property
    def check_digit(self) -> str:
        """The official check digit (from the list; it cannot be computed)."""
        return self.code[9:]

    @property
    def division(self) -> str:
        """The first two digits."""
        return self.code[:2]

    def label(self, lang: str = "nb") -> str:
        """The label in 'nb' or 'en'."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r} (expected {', '.join(LANGS)})")
        return self.label_nb if lang == "nb" else self.label_en


class CpvList:
    """The CPV vocabulary, indexed by eight-digit code."""

    def __init__(self, codes: Iterable[CpvCode]) -> None:
        self._codes = tuple(sorted(codes, key=lambda c: c.code))
        self._by_code8 = {c.code8: c for c in self._codes}
        self._folded = {lang: [c.label(lang).casefold() for c in self._codes] for lang in LANGS}
        self._depth = [len(hierarchy_prefix(c.code)) for c in self._codes]

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[CpvCode]:
        return iter(self._codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.lookup(code) is not None

    def lookup(self, code: str) -> CpvCode | None:
        """The entry for '34144910-0' or '34144910'; None if malformed, unknown or the check
        digit given differs from the official one."""
        try:
            code8, check = parse_code(code)
        except ValueError:
            return None
        found = self._by_code8.get(code8)
        if found is None or (check is not None and check != found.check_digit):
            return None
        return found

    def search(self, text: str, lang: str = "nb", limit: int = 20) -> list[CpvCode]:
        """Codes for autocomplete: by code prefix if text is numeric, else by label words,
        best first (label starts with the text, then whole-word matches, general before
        specific)."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r} (expected {', '.join(LANGS)})")
        query = " ".join(text.split())
        if not query or limit <= 0:
            return []
        if _NUMERIC_QUERY_RE.match(query):
            return self._search_code(query, limit)
        folded_query = query.casefold()
        words = folded_query.split()
        word_starts = [re.compile(r"(?<!\w)" + re.escape(word)) for word in words]
        ranked = []
        for index, label in enumerate(self._folded[lang]):
            if not all(word in label for word in words):
                continue
            if label.startswith(folded_query):
                rank = 0
            elif all(pattern.search(label) for pattern in word_starts):
                rank = 1
            else:
                rank = 2
            ranked.append((rank, self._depth[index], self._codes[index].code, index))
        ranked.sort()
        return [self._codes[index] for *_, index in ranked[:limit]]

    def _search_code(self, query: str, limit: int) -> list[CpvCode]:
        digits = query.replace(" ", "")
        if "-" in digits:
            found = self.lookup(digits)
            return [found] if found else []
        digits = digits[:8]
        return [c for c in self._codes if c.code8.startswith(digits)][:limit]


def load_cpv(path: Path = DEFAULT_CPV_PATH) -> CpvList:
    """Read the CPV list from a CSV with columns code, label_en, label_nb (others ignored)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = []
    for number, row in enumerate(rows, start=2):
        code = row["code"].strip()
        code8, check = parse_code(code)
        if check is None:
            raise ValueError(f"{path}:{number}: CPV code {code!r} has no check digit")
        codes.append(CpvCode(code, row["label_en"].strip(), row["label_nb"].strip()))
    return CpvList(codes)
