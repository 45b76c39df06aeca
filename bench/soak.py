"""Soak test: a mixed workload against gunicorn and PostgreSQL, then a consistency check.

`make bench` runs it when PROCURE_BENCH_DATABASE_URL names a PostgreSQL server (never
`make test`). It seeds 10,000 public purchases, an officer and a controller, a few drafts
and a year of spend lines into a schema of its own (dropped afterwards), serves the app with
gunicorn in production settings, and runs 50 concurrent clients (threads with `requests`)
for 60 s:

- public visitors: the front page, filtered and paged lists, purchase pages, the feeds;
- officers, signed in, editing the same few drafts (need step) on the version they opened:
  a stale version gets 409 and the page with what changed. That is the expected outcome of
  optimistic locking, counted as a conflict, not an error;
- controllers, signed in, downloading the statistics workbook (Excel).

Any other status, any exception and any ERROR line in the server's log is an error; there must
be none. Afterwards every tender's version must be 1 + its audited update batches (no gaps, no
repeats), and every edit an officer was told was saved must be in the audit trail, with the
last one in the tender.

    PROCURE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/soak.py [--duration 60] [--clients 50] [--workers 4]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import run as public_bench  # noqa: E402
from procure.db import make_engine, register_hooks  # noqa: E402
from procure.models import AuditEvent, Tender  # noqa: E402

register_hooks()  # the session hooks create_app registers for the app: sessions here need them

# Production's default, left unset here on purpose: one counter table shared by every worker.
STORAGE = os.environ.get("PROCURE_RATELIMIT_STORAGE_URI") or "the database (shared by workers)"
PASSWORD = secrets.token_urlsafe(16)  # of the soak's own accounts, in its own schema
OFFICER = "soak-officer@lillestrom.example"
CONTROLLER = "soak-controller@lillestrom.example"
EDITED_DRAFTS = 5
SPEND_LINES = 20_000
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION_RE = re.compile(r'<input[^>]*name="version"[^>]*value="(\d+)"|'
                        r'<input[^>]*value="(\d+)"[^>]*name="version"')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PUBLIC_PAGES = ["/", "/purchases", "/purchases?division=90&page=2",
                "/purchases?procedure=simplified-competition&page=3",
                "/purchases?band=500k-1.3m&sort=newest", "/purchases?q=renhold&status=open",
                "/purchases?within=30&type=services&page=2", "/purchases?page=40&sort=title"]
FEEDS = ["/purchases.atom", "/purchases.atom?division=90", "/purchases.ics", "/purchases.csv",
         "/purchases.json?status=open"]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counts: Counter = field(default_factory=Counter)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    saved: list[tuple[int, str]] = field(default_factory=list)  # (tender id, description)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds * 1000)
            self.counts[kind] += 1

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.counts[kind] += 1
            self.errors.append(f"{kind}: {detail}"[:300])


# --- data -----------------------------------------------------------------------------------


def seed(url: str) -> tuple[list[int], list[tuple[int, str]]]:
    """Public purchases (as the public benchmark), an officer and a controller, drafts to
    edit, a year of spend. Returns the public purchase ids and the (id, title) of the drafts."""
    public_bench.seed(url)
    from procure.ingest.spend import import_spend
    from procure.ingest.suppliers import import_suppliers
    from procure.models import Organisation
    from procure.services import accounts
    from procure.services import public as public_service

    engine = make_engine(url)
    with Session(engine) as session:
        organisation = session.scalars(select(Organisation)).one()
        for email, role in ((OFFICER, "officer"), (CONTROLLER, "controller")):
            accounts.create_user(session, email, PASSWORD, {role},
                                 organisation_id=organisation.id)
        drafts = []
        for number in range(EDITED_DRAFTS):
            draft = Tender(organisation_id=organisation.id, reference=f"SOAK-{number}",
                           title=f"Soak-utkast {number}", description="Første versjon",
                           version=1)
            session.add(draft)
            session.flush()
            drafts.append((draft.id, draft.title))
        rng = random.Random(9)  # noqa: S311 (test data)
        numbers = _orgnrs(rng, 300)
        units = "organisasjonsnummer;navn;antallAnsatte;forretningsadresse.postnummer\n" + "".join(
            f"{orgnr};Leverandør {n} AS;{rng.choice((2, 8, 40, 120, 400))};"
            f"{rng.choice(('2000', '2010', '0150', '5003'))}\n" for n, orgnr in enumerate(numbers))
        import_suppliers(session, io.BytesIO(units.encode()), "soak-suppliers.csv",
                         organisation_id=organisation.id)
        year = date.today().year
        lines = "invoice_id;date;supplier_orgnr;amount_nok;department;category\n" + "".join(
            f"S-{n};{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d};"
            f"{rng.choice(numbers)};{rng.randint(100, 500_000)},{rng.randint(0, 99):02d};"
            f"{rng.choice(('Kultur', 'Helse', 'Skole', 'Teknisk'))};"
            f"{rng.choice(('Renhold', 'Mat', 'IT', 'Bygg'))}\n" for n in range(SPEND_LINES))
        import_spend(session, io.BytesIO(lines.encode()), "soak-spend.csv",
                     organisation_id=organisation.id)
        session.commit()
        candidates = session.scalars(select(Tender.id).order_by(Tender.id).limit(3000))
        public_ids = [tender_id for tender_id in candidates
                      if public_service.is_public_tender(session, tender_id)]
    engine.dispose()
    return public_ids, drafts


def _orgnrs(rng: random.Random, count: int) -> list[str]:
    from procure.domain.orgnr import check_digit

    found: set[str] = set()
    while len(found) < count:
        first = str(rng.randint(80_000_000, 99_999_999))
        digit = check_digit(first)
        if digit is not None:
            found.add(first + str(digit))
    return sorted(found)


# --- clients --------------------------------------------------------------------------------


def timed(results: Results, kind: str, call, expected: tuple[int, ...]):
    started = time.perf_counter()
    try:
        response = call()
    except requests.RequestException as error:
        results.error(kind, f"{type(error).__name__}: {error}")
        return None
    elapsed = time.perf_counter() - started
    if response.status_code not in expected:
        results.error(kind, f"HTTP {response.status_code} {response.request.url}")
        return None
    results.record(kind, elapsed)
    return response


class PlainHttpSession(requests.Session):
    """Production cookies are Secure; here no TLS proxy sits in front, so the client sends
    them over plain HTTP on loopback as the proxy would pass them on."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def sign_in(base: str, email: str) -> requests.Session:
    session = PlainHttpSession()
    page = session.get(f"{base}/login", timeout=30)
    token = CSRF_RE.search(page.text).group(1)
    response = session.post(f"{base}/login", data={"csrf_token": token, "email": email,
                                                   "password": PASSWORD},
                            allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: HTTP {response.status_code}")
    return session


def guarded(target, results: Results, kind: str):
    """Run a client; an exception that ends it is an error, not a silent thread death."""

    def run(*args) -> None:
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 (reported, and fails the run)
            results.error(kind, f"client stopped: {type(error).__name__}: {error}")

    return run


def public_client(base: str, ids: list[int], stop: threading.Event, results: Results,
                  seed_value: int) -> None:
    rng = random.Random(seed_value)  # noqa: S311
    session = PlainHttpSession()
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.45:
            kind, path = "public page", rng.choice(PUBLIC_PAGES)
        elif roll < 0.75:
            kind, path = "purchase page", f"/purchases/{rng.choice(ids)}"
        else:
            kind, path = "feed", rng.choice(FEEDS)
        timed(results, kind, lambda path=path: session.get(base + path, timeout=30), (200,))


def officer_client(base: str, drafts: list[tuple[int, str]], stop: threading.Event,
                   results: Results, number: int) -> None:
    rng = random.Random(1000 + number)  # noqa: S311
    session = sign_in(base, OFFICER)
    edit = 0
    while not stop.is_set():
        tender_id, title = rng.choice(drafts)
        url = f"{base}/officer/tenders/{tender_id}/steps/need"
        page = timed(results, "officer open", lambda url=url: session.get(url, timeout=30),
                     (200,))
        if page is None:
            continue
        token = CSRF_RE.search(page.text)
        version = VERSION_RE.search(page.text)
        if token is None or version is None:
            results.error("officer open", "no CSRF token or version on the page")
            continue
        edit += 1
        description = f"Behov skrevet av betjent {number}, endring {edit}"
        data = {"csrf_token": token.group(1), "version": version.group(1) or version.group(2),
                "title": title, "description": description, "cpv_code": "90911200-8"}
        time.sleep(rng.uniform(0, 0.05))  # typing; others may save meanwhile
        started = time.perf_counter()
        try:
            response = session.post(url, data=data, allow_redirects=False, timeout=30)
        except requests.RequestException as error:
            results.error("officer save", f"{type(error).__name__}: {error}")
            continue
        elapsed = time.perf_counter() - started
        if response.status_code == 302:
            results.record("officer save", elapsed)
            with results.lock:
                results.saved.append((tender_id, description))
        elif response.status_code == 409:
            results.record("officer save", elapsed)
            with results.lock:
                results.conflicts += 1
            if "description" not in response.text and "Behov" not in response.text:
                results.error("officer save", "409 without the conflicting changes")
        else:
            results.error("officer save", f"HTTP {response.status_code}")


def controller_client(base: str, stop: threading.Event, results: Results) -> None:
    session = sign_in(base, CONTROLLER)
    while not stop.is_set():
        response = timed(results, "controller export",
                         lambda: session.get(f"{base}/controller/export.xlsx", timeout=60), (200,))
        if response is not None and (response.headers.get("Content-Type") != XLSX
                                     or not response.content.startswith(b"PK")):
            results.error("controller export", "not an Excel workbook")


# --- after the run --------------------------------------------------------------------------


def check_consistency(url: str, drafts: list[tuple[int, str]],
                      saved: list[tuple[int, str]]) -> list[str]:
    """Problems found: versions against audit batches, and every saved edit kept."""
    problems: list[str] = []
    engine = make_engine(url)
    with Session(engine) as session:
        versions = dict(session.execute(select(Tender.id, Tender.version)).all())
        batches: dict[int, list[int]] = defaultdict(list)
        descriptions: dict[int, dict[int, str]] = defaultdict(dict)
        for event in session.scalars(select(AuditEvent).where(AuditEvent.object_type == "tender")):
            version = event.details.get("version")
            if version is None:
                continue
            tender_id = int(event.object_id)
            batches[tender_id].append(int(version))
            change = event.details.get("changes", {}).get("description")
            if change is not None:
                descriptions[tender_id][int(version)] = change[1]
        for tender_id, version in versions.items():
            audited = sorted(batches.get(tender_id, []))
            if audited != list(range(2, version + 1)):
                problems.append(f"tender {tender_id}: version {version}, audited batches "
                                f"{audited[:10]}")
        current = dict(session.execute(select(Tender.id, Tender.description).where(
            Tender.id.in_([tender_id for tender_id, _title in drafts]))).all())
    engine.dispose()
    told: dict[int, list[str]] = defaultdict(list)
    for tender_id, description in saved:
        told[tender_id].append(description)
    for tender_id, _title in drafts:
        kept = descriptions.get(tender_id, {})
        if sorted(told[tender_id]) != sorted(kept.values()):
            problems.append(f"tender {tender_id}: {len(told[tender_id])} saves reported, "
                            f"{len(kept)} in the audit trail")
        if kept and current[tender_id] != kept[max(kept)]:
            problems.append(f"tender {tender_id}: the last audited edit is not in the tender")
    return problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_load(args, url: str, directory: Path):
    """Seed, serve, run the clients; (results, load before, load after, drafts)."""
    started = time.monotonic()
    public_ids, drafts = seed(url)
    print(f"Seeded in {time.monotonic() - started:.1f} s: {len(public_ids)} public "
          f"purchases sampled, {len(drafts)} drafts, {SPEND_LINES} spend lines", flush=True)
    port = public_bench.free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PROCURE_ENV": "production", "PROCURE_DATABASE_URL": url,
           "PROCURE_SECRET_KEY": secrets.token_hex(32),
           "PROCURE_INSTANCE_PATH": str(directory), "PROCURE_PUBLIC_BASE_URL": base,
           # every client signs in from 127.0.0.1: lift the per-address sign-in limit
           "PROCURE_LOGIN_RATE_LIMIT": "10000 per minute"}
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    with (directory / "server.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [gunicorn, "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "procure.wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    try:
        public_bench.wait_until_up(base, server)
        results = Results()
        stop = threading.Event()
        public = args.clients - args.officers - args.controllers
        threads = [threading.Thread(target=guarded(public_client, results, "public"),
                                    args=(base, public_ids, stop, results, n))
                   for n in range(public)]
        threads += [threading.Thread(target=guarded(officer_client, results, "officer"),
                                     args=(base, drafts, stop, results, n))
                    for n in range(args.officers)]
        threads += [threading.Thread(target=guarded(controller_client, results, "controller"),
                                     args=(base, stop, results))
                    for _ in range(args.controllers)]
        print(f"Running {args.clients} clients ({public} public, {args.officers} officers, "
              f"{args.controllers} controllers) for {args.duration} s against gunicorn with "
              f"{args.workers} workers ...", flush=True)
        load_before = os.getloadavg()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results, load_before, load_after, drafts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--controllers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    given = os.environ.get("PROCURE_BENCH_DATABASE_URL", "")
    if not given.startswith("postgresql"):
        raise SystemExit("Set PROCURE_BENCH_DATABASE_URL to a PostgreSQL URL, e.g. "
                         "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    directory = Path(tempfile.mkdtemp(prefix="procure-soak-"))
    url, _engine_url, drop_schema = public_bench.database_url(directory)
    try:
        results, load_before, load_after, drafts = run_load(args, url, directory)
        log = (directory / "server.log").read_text(errors="replace").splitlines()
        server_errors = [line for line in log if '"level": "ERROR"' in line
                         or '"level": "CRITICAL"' in line or "[ERROR]" in line
                         or "Traceback" in line]
        problems = check_consistency(url, drafts, results.saved)
    finally:
        drop_schema()
        shutil.rmtree(directory, ignore_errors=True)

    total = sum(results.counts.values())
    print(f"\n{'kind':<20}{'requests':>10}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    report_kinds = {}
    for kind in sorted(results.latencies):
        values = results.latencies[kind]
        row = {"requests": results.counts[kind], "ok": len(values),
               "p50_ms": round(percentile(values, 0.50), 1),
               "p95_ms": round(percentile(values, 0.95), 1),
               "p99_ms": round(percentile(values, 0.99), 1)}
        report_kinds[kind] = row
        print(f"{kind:<20}{row['requests']:>10}{row['requests'] / args.duration:>8.1f}"
              f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}")
    print(f"\nRequests: {total} ({total / args.duration:.0f}/s). Saved edits: "
          f"{len(results.saved)}. Conflicts (409, expected): {results.conflicts}. "
          f"Rate limits counted in: {STORAGE}. "
          f"Errors: {len(results.errors)}. Server log errors: {len(server_errors)}.")
    for line in (results.errors + server_errors)[:10]:
        print("  ", line)
    print("Consistency: " + ("every version matches its audited batches; no edit lost"
                             if not problems else f"{len(problems)} PROBLEMS"))
    for problem in problems[:10]:
        print("  ", problem)
    print(f"Load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on "
          f"{os.cpu_count()} CPUs.")
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "database": "postgresql",
              "duration_s": args.duration, "clients": args.clients, "workers": args.workers,
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                         f"Python {platform.python_version()}",
              "requests": total, "saved_edits": len(results.saved),
              "conflicts": results.conflicts, "rate_limit_storage": STORAGE,
              "errors": results.errors[:50],
              "server_log_errors": server_errors[:50], "consistency_problems": problems[:50],
              "kinds": report_kinds, "load_average": [load_before[0], load_after[0]]}
    output = ROOT / "bench" / "results"
    output.mkdir(exist_ok=True)
    (output / "soak-postgresql.json").write_text(json.dumps(report, indent=2) + "\n")
    return 1 if results.errors or server_errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
