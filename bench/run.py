"""Benchmark of the public purchase pages: `make bench` (not part of `make test`).

Seeds 10,000 public purchases (plus drafts and closed ones that must stay hidden) into a
fresh database, serves the app with gunicorn (2 workers, as deployed), and loads each
endpoint with wrk: 20 concurrent connections for 30 seconds. The trivial /livez endpoint (no
database) is measured in the same run, before and after each endpoint, as the baseline for the
ratio; /healthz, which asks the database, tells when the server is ready.

    .venv/bin/python bench/run.py                      # SQLite file in a temporary folder
    PROCURE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/run.py                  # PostgreSQL, in a schema of its own
    .venv/bin/python bench/run.py --duration 5         # a quick look

Targets (issue 8): p95 under 100 ms, and at least 0.3 of the health endpoint's throughput.
Results are printed as a table and written to bench/results/latest-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import procure.models  # noqa: E402,F401
from procure.db import make_engine, register_hooks  # noqa: E402
from procure.domain.purchases import cpv_labels, oslo_to_utc, search_text  # noqa: E402
from procure.models import DialogueEvent, Organisation, Tender  # noqa: E402

register_hooks()  # the session hooks create_app registers for the app: sessions here need them

PURCHASES = 10_000
HIDDEN = 500
TARGET_P95_MS = 100.0
TARGET_RATIO = 0.3
CPV = ("90911200-8", "90919200-4", "55524000-9", "34144900-7", "39100000-3", "45214200-2",
       "77310000-6", "90620000-9", "30192000-1", "45310000-3", "72000000-5", "48000000-8",
       "79952000-2", "71314000-2", "50232100-1", "33100000-1", "60100000-9", "44000000-0",
       "15000000-8", "18000000-9", "22000000-0", "32000000-3", "80000000-4", "85000000-9")
TRACKS = (("simplified-competition", 40), ("open-tender-competition", 20),
          ("open-procedure", 15), ("restricted-procedure", 8), ("direct-award", 5),
          ("market-dialogue", 7), ("competitive-negotiation", 5))
WORDS = ("renhold", "skolemat", "brøyting", "møbler", "ladepunkter", "vedlikehold",
         "kontorrekvisita", "IT-utstyr", "transport", "arrangement", "energi", "veilys",
         "rådgivning", "programvare", "tekstiler", "byggearbeid", "kantine", "lekeplasser")
PLACES = ("Strømmen", "Skedsmokorset", "Fetsund", "Sørumsand", "Kjeller", "Lillestrøm",
          "Frogner", "Lindeberg", "Leirsund", "Blaker")
# (name, paths): /purchases filtered and paged, the Atom feed, and the baseline. The health
# endpoint runs before and after each page, and each ratio uses the two runs beside it, so a
# change in the machine's other load during the run skews the ratios as little as possible.
HEALTH = ["/livez"]
SCENARIOS = (
    ("livez", HEALTH),
    ("purchases", ["/purchases?division=90&page=2",
                   "/purchases?procedure=simplified-competition&page=3",
                   "/purchases?band=500k-1.3m&sort=newest&page=2",
                   "/purchases?q=renhold&status=open",
                   "/purchases?within=30&type=services&page=2",
                   "/purchases?page=40&sort=title"]),
    ("livez-2", HEALTH),
    ("purchases.atom", ["/purchases.atom", "/purchases.atom?division=90",
                        "/purchases.atom?procedure=simplified-competition"]),
    ("livez-3", HEALTH),
)
BASELINES = {"purchases": ("livez", "livez-2"), "purchases.atom": ("livez-2", "livez-3")}


def seed(url: str) -> None:
    """10,000 public purchases and some hidden ones, written in bulk."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    rng = random.Random(8)  # noqa: S311 (test data, not secrets)
    now = datetime.now(UTC)
    today = now.date()
    tracks = [track for track, weight in TRACKS for _ in range(weight)]
    with Session(engine) as session:
        buyer = Organisation(name="Lillestrøm kommune", orgnr="923456783", kommunenummer="3205")
        session.add(buyer)
        session.flush()
        rows = []
        for number in range(PURCHASES + HIDDEN):
            cpv = rng.choice(CPV)
            word, place = rng.choice(WORDS), rng.choice(PLACES)
            title = f"{word.capitalize()} i {place} {number}"
            description = (f"Kommunen planlegger {word} for tjenestesteder i {place}. "
                           f"Lokale leverandører og små bedrifter er velkomne. Nr. {number}.")
            reference = f"B-{number:05d}"
            value = None if rng.random() < 0.12 else Decimal(rng.choice(
                (rng.randint(150, 499), rng.randint(500, 1299), rng.randint(1300, 4999),
                 rng.randint(5000, 19999), rng.randint(20000, 90000)))) * 1000
            planned = now - timedelta(days=rng.randint(1, 120), minutes=number)
            stamps: dict[str, object] = {"planned_at": planned}
            if number >= PURCHASES:  # hidden: draft or past evaluation
                stamps = rng.choice(({}, {"planned_at": planned, "opened_at": planned,
                                          "evaluation_at": now}))
            elif rng.random() < 0.5:
                stamps["opened_at"] = planned + timedelta(days=rng.randint(0, 30))
            rows.append({
                "organisation_id": buyer.id, "reference": reference, "title": title,
                "description": description, "version": 1,
                "contract_type": rng.choice(("goods", "services", "services", "works")),
                "cpv_code": cpv, "estimated_value": value,
                "tender_deadline": None if rng.random() < 0.05
                else today + timedelta(days=rng.randint(1, 180)),
                "buyer_type": "municipality", "planned_notice_date": today,
                "value_estimate": {}, "recommendation": {}, "track": rng.choice(tracks),
                "track_reason": "", "climate_spec_justification": "",
                "climate_exemption_justification": "",
                "value_confidential": rng.random() < 0.1, "contact_name": "Innkjøp",
                "contact_email": "innkjop@lillestrom.example",
                "search_text": search_text(reference, title, description, *cpv_labels(cpv)),
                "public_fingerprint": "", "public_version": 1,
                "public_updated_at": planned, "created_at": planned, "planned_at": None,
                "opened_at": None, "evaluation_at": None, **stamps,
            })
        session.execute(insert(Tender.__table__), rows)
        ids = [row[0] for row in session.execute(text("SELECT id FROM tender")).all()]
        events = []
        for tender_id in rng.sample(ids, 400):
            day = today + timedelta(days=rng.randint(1, 60))
            start = oslo_to_utc(day, datetime.min.time().replace(hour=9))
            events.append({"tender_id": tender_id, "title": "Dialogkonferanse",
                           "description": "", "starts_at": start,
                           "ends_at": start + timedelta(hours=2), "place": "Rådhuset",
                           "link": "", "registration_deadline": day - timedelta(days=2),
                           "version": 1, "created_at": now, "updated_at": now})
        session.execute(insert(DialogueEvent.__table__), events)
        session.commit()
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped before it served a request")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def warm_up(base: str) -> None:
    for _name, paths in SCENARIOS:
        for path in paths:
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                assert response.status == 200, (path, response.status)


def run_wrk(base: str, paths: list[str], duration: int, connections: int,
            threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "wrk.lua"), base, "--", *paths]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def database_url(directory: Path) -> tuple[str, str, callable]:
    """The URL for the app, the engine URL, and a clean-up function."""
    given = os.environ.get("PROCURE_BENCH_DATABASE_URL")
    if not given:
        return (f"sqlite:///{directory / 'bench.sqlite3'}",) * 2 + (lambda: None,)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(given)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in given else "?"
    url = f"{given}{separator}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--no-cache", action="store_true",
                        help="turn the page and feed cache off, to see the cost of a miss")
    args = parser.parse_args()
    for tool in ("wrk", "gunicorn"):
        if not shutil.which(tool) and not (Path(sys.executable).parent / tool).exists():
            raise SystemExit(f"{tool} is missing: `apt-get install -y wrk`, "
                             "`.venv/bin/pip install gunicorn` (make bench does both)")
    directory = Path(tempfile.mkdtemp(prefix="procure-bench-"))
    url, _engine_url, cleanup = database_url(directory)
    started = time.monotonic()
    seed(url)
    print(f"Seeded {PURCHASES} public and {HIDDEN} hidden purchases in "
          f"{time.monotonic() - started:.1f} s ({url.split(':')[0]})", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PROCURE_ENV": "production", "PROCURE_DATABASE_URL": url,
           "PROCURE_SECRET_KEY": secrets.token_hex(32), "PROCURE_INSTANCE_PATH": str(directory),
           "PROCURE_PUBLIC_BASE_URL": base,
           "PROCURE_PUBLIC_CACHE_SECONDS": "0" if args.no_cache else "60"}
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    # The app logs one JSON line per request (as in production): to a file, not the terminal.
    with (directory / "server.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [gunicorn, "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "procure.wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    results: dict[str, dict] = {}
    load_before = os.getloadavg()
    try:
        wait_until_up(base, server)
        warm_up(base)
        for name, paths in SCENARIOS:
            print(f"wrk {name}: {args.connections} connections, {args.duration} s ...",
                  flush=True)
            results[name] = run_wrk(base, paths, args.duration, args.connections,
                                    args.wrk_threads)
            results[name]["paths"] = paths
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        cleanup()
        shutil.rmtree(directory, ignore_errors=True)
    health_runs = [r["rps"] for name, r in results.items() if name.startswith("livez")]
    health = sum(health_runs) / len(health_runs)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              "database": url.split(":")[0].split("+")[0], "workers": args.workers,
              "cache": not args.no_cache,
              "connections": args.connections, "duration_s": args.duration,
              "purchases": PURCHASES, "machine": f"{platform.machine()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
              "health_rps": round(health, 1),
              # Other work on the machine skews the figures; the load average tells.
              "load_average_before": [round(x, 2) for x in load_before],
              "load_average_after": [round(x, 2) for x in os.getloadavg()],
              "results": results}
    failed = False
    print(f"\n{'endpoint':<16}{'rps':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'ratio':>8}  verdict")
    for name, result in results.items():
        beside = BASELINES.get(name)
        baseline = (sum(results[b]["rps"] for b in beside) / len(beside)) if beside else health
        ratio = result["rps"] / baseline
        result["ratio_to_health"] = round(ratio, 3)
        verdict = "baseline"
        if not name.startswith("livez"):
            ok = result["p95_ms"] < TARGET_P95_MS and ratio >= TARGET_RATIO
            ok = ok and not result["errors"] and not result["non_2xx"]
            verdict = "meets targets" if ok else "MISSES TARGETS"
            failed = failed or not ok
        print(f"{name:<16}{result['rps']:>9.0f}{result['p50_ms']:>9.1f}{result['p95_ms']:>9.1f}"
              f"{result['p99_ms']:>9.1f}{ratio:>8.2f}  {verdict}")
    output = ROOT / "bench" / "results"
    output.mkdir(exist_ok=True)
    name = f"latest-{report['database']}{'-nocache' if args.no_cache else ''}.json"
    (output / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nLoad average before/after (1 min): {load_before[0]:.2f} / "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs ({report['database']}).")
    print(f"Targets: p95 < {TARGET_P95_MS:.0f} ms and >= {TARGET_RATIO} of /livez "
          f"throughput. Written to bench/results/{name}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
