"""Benchmark: render a large tender document (about 30 pages: 60 criteria, long tables).

Reports the time of our whole pipeline (template → HTML → tagged PDF with the restricted
fetcher) and the ratio to WeasyPrint rendering the same final HTML alone, in the same run.
Targets (issue 6): under 3 s, and at most 1.3× the baseline.

    .venv/bin/python bench/pdf_bench.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from procure import create_app  # noqa: E402
from procure.exports.documents import tender_html, tender_pdf  # noqa: E402
from procure.exports.pdf import BASE_URL, STATIC_DIR  # noqa: E402
from procure.exports.tender_document import TenderDocument  # noqa: E402

LOREM = ("Leverandøren skal dokumentere at kjøretøyene, maskinene og materialene som brukes "
         "i oppdraget oppfyller kravene gjennom hele kontraktsperioden, og varsle "
         "oppdragsgiver uten ugrunnet opphold dersom forutsetningene endres. ")


def large_document() -> TenderDocument:
    def criterion(n: int, kind: str) -> dict:
        return {"id": f"bench-{kind}-{n:02d}:1", "title": f"Krav {n}: {kind} med lang tittel",
                "text": LOREM * 3, "verification": LOREM, "level_label": "Avansert",
                "type_label": kind, "source": "DFØ kriterieveiviser", "weight": 5}

    groups = {kind: [criterion(n, kind) for n in range(15)]
              for kind in ("qualification", "specification", "award", "clauses")}
    return TenderDocument(
        kind="Konkurransegrunnlag", reference="2026-BENCH", title="Stor testanskaffelse",
        buyer="Lillestrøm kommune", buyer_orgnr="923456783", generated="27.11.2026",
        procedure="åpen anbudskonkurranse", regime="FOA del I og III",
        regime_long="anskaffelsesforskriften del I og III", rules_version="2026-07-01",
        notice_date="01.12.2026", question_deadline="15.12.2026", tender_deadline="10.01.2027",
        need=LOREM * 12, cpv="45214200-2", contract_type="bygge- og anleggsarbeid",
        value="58 000 000 kr ekskl. mva.", value_lines=[LOREM] * 4,
        explanation=[LOREM] * 6, deviation="", timeline=[("Frist", "01.01.2027")] * 12,
        climate={"status": "met", "statement": "Oppfylt.", "code": "quality-nor-env-criteria",
                 "justification": LOREM},
        qualification=groups["qualification"], specification=groups["specification"],
        award=groups["award"], clauses=groups["clauses"],
        green=groups["specification"] + groups["award"],
        weights=[("Pris", 40), ("Kvalitet", 30), ("Klima og miljø", 30)],
        appendices=["Tilbudsbrev", "ESPD", "Prisskjema", "Kontrakt"],
    )


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    app = create_app({"SECRET_KEY": "bench" * 10, "DATABASE_URL": "sqlite://"})
    document = large_document()
    with app.app_context():
        html = tender_html(document)
        pages = len(PdfReader(io.BytesIO(tender_pdf(document))).pages)  # also warms caches
        ours = best_of(5, lambda: tender_pdf(document))
        baseline_html = html.replace('href="css/print.css"',
                                     f'href="file://{STATIC_DIR}/css/print.css"')
        baseline = best_of(5, lambda: HTML(string=baseline_html, base_url=BASE_URL)
                           .write_pdf(pdf_variant="pdf/ua-1"))
    print(f"pages: {pages}")
    print(f"procure pipeline: best {ours[0]:.2f} s, median {ours[1]:.2f} s")
    print(f"WeasyPrint alone on the same HTML: best {baseline[0]:.2f} s, "
          f"median {baseline[1]:.2f} s")
    print(f"ratio (best/best): {ours[0] / baseline[0]:.2f}x   target: <= 1.3x and < 3 s")


if __name__ == "__main__":
    main()
