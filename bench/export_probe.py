"""Export a year of statistics with every spend line, in a process of its own, and report the
time and the peak resident memory (so the figure is the export's, not the benchmark's), and
the time of a bare baseline in the same process: the same lines (joined to the supplier, in
the same order) selected with the driver and written with `csv`.

    python -m bench.export_probe sqlite:////tmp/bench/100000.sqlite3 2025 OUT.xlsx
"""

from __future__ import annotations

import csv
import json
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss survives exec on Linux and would
    report the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    url, year, output = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    from flask_babel import force_locale

    from procure import create_app
    from procure.db import get_session
    from procure.domain.statistics import Filters
    from procure.exports.workbook import statistics_workbook
    from procure.services import statistics
    from procure.services.tenders import default_organisation
    from procure.web.controller.labels import export_labels

    app = create_app({"SECRET_KEY": "bench-" + "x" * 40, "DATABASE_URL": url, "TESTING": True})
    with app.test_request_context(), force_locale("nb"):
        session = get_session()
        organisation = default_organisation(session)  # the benchmark's one organisation
        assert organisation is not None
        filters = Filters(date(year, 1, 1), date(year, 12, 31), organisation_id=organisation.id)
        before = peak_rss_mb()
        start = time.perf_counter()
        report = statistics.report(session, filters)
        report_seconds = time.perf_counter() - start
        data = statistics_workbook(report, export_labels(),
                                   statistics.iter_lines(session, filters))
        seconds = time.perf_counter() - start
        peak = peak_rss_mb()
        bare = bare_csv(session, filters)
    output.write_bytes(data)
    print(json.dumps({"seconds": seconds, "of_which_report_s": report_seconds,
                      "bare_csv_s": bare, "ratio_to_bare_csv": seconds / bare,
                      "rss_before_mb": before, "peak_rss_mb": peak, "bytes": len(data)}))


def bare_csv(session, filters) -> float:
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        mark = "?" if session.get_bind().dialect.name == "sqlite" else "%s"
        writer.writerows(session.connection().exec_driver_sql(
            "SELECT l.invoice_id, l.line_no, l.invoice_date, l.supplier_orgnr, s.name, "  # noqa: S608
            "s.size_class, s.kommunenummer, l.amount_ore, l.account, l.category, l.cpv_code, "
            "l.department FROM spend_line l LEFT JOIN supplier s ON s.id = l.supplier_id "
            f"WHERE l.invoice_date >= {mark} AND l.invoice_date <= {mark} "
            "ORDER BY l.invoice_date, l.invoice_id, l.line_no",
            (filters.date_from.isoformat(), filters.date_to.isoformat())))
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
