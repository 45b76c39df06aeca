"""The sections of a konkurransegrunnlag and the default text each starts from.

The sections follow DFØ's standard tender documents for competitions below the EEA thresholds
and under part III: the buyer and the purchase; the rules of the competition; qualification
requirements; the specification; award criteria and evaluation; contract terms; annexes.

The default texts are Markdown files (templates/document/sections/), chosen by the tender's
procedure (track), then its FOA part (regime), then `default/`: see the README there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# In the document's order. The requirement parts (qualification, specification, award criteria,
# contract clauses) are filled in from the tender's requirements under the officer's text.
SECTION_KEYS = ("purchase", "rules", "qualification", "specification", "award", "contract",
                "annexes")
MAX_SECTION_LENGTH = 20_000
MAX_NOTE_LENGTH = 5_000
_SAFE_PART = re.compile(r"^[a-z0-9-]{1,60}$")


@dataclass(frozen=True)
class SectionText:
    key: str
    text: str
    is_default: bool


def default_text(directory: Path, key: str, *, track: str | None, regime: str | None) -> str:
    """The default Markdown of a section for the procedure and FOA part: the first of
    `<track>/<key>.md`, `<regime>/<key>.md` and `default/<key>.md` that exists."""
    if key not in SECTION_KEYS:
        raise ValueError(f"unknown section {key!r}")
    for variant in (track, regime, "default"):
        if not variant or not _SAFE_PART.match(variant):
            continue
        path = directory / variant / f"{key}.md"
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    return ""


def section_texts(directory: Path, saved: Mapping[str, str], *, track: str | None,
                  regime: str | None) -> list[SectionText]:
    """Every section's text: the officer's saved text, or the default for the procedure."""
    texts = []
    for key in SECTION_KEYS:
        if key in saved:
            texts.append(SectionText(key, str(saved[key]), False))
        else:
            texts.append(SectionText(key, default_text(directory, key, track=track,
                                                       regime=regime), True))
    return texts
