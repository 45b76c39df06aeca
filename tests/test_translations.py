"""Every user-facing message has a Norwegian bokmål translation (bokmål is the default)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "procure" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"


def test_nb_catalog_covers_every_message(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract",
         "-F", "procure/translations/babel.cfg", "-k", "N_", "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nb")
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    missing = sorted(str(msgid) for msgid in wanted - translated)
    assert missing == [], "run `make extract-messages` and translate: " + "; ".join(missing)
