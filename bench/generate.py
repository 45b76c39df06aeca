# ruff: noqa: S311  (synthetic benchmark data, not secrets)
"""Realistic synthetic data for the statistics benchmarks (deterministic for a seed).

- Suppliers: skewed sizes like the register (mostly micro and small, a few large, some with no
  registered headcount), addresses weighted towards Lillestrøm and Romerike, valid mod-11
  organisation numbers. Written as Brønnøysund bulk CSV.
- Spend: many small invoices and a few large ones (log-normal amounts with a heavy tail),
  suppliers chosen with Zipf-like weights (large suppliers get more and larger invoices),
  about 2 % of lines with a missing or invalid organisation number and 1 % with a valid number
  that is not in the register.

    python -m bench.generate --lines 1000000 --out DIR
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

from procure.domain.orgnr import check_digit
from procure.domain.places import load_postal_codes

SIZES = (("micro", 0.62, (1, 9)), ("small", 0.20, (10, 49)), ("medium", 0.06, (50, 249)),
         ("large", 0.02, (250, 5000)), ("unknown", 0.10, None))
SIZE_WEIGHT = {"micro": 1.0, "small": 3.0, "medium": 8.0, "large": 25.0, "unknown": 1.0}
CATEGORIES = (("Renhold", "90911200-8"), ("Bygg og anlegg", "45000000-7"),
              ("Matvarer", "15000000-8"), ("IT-tjenester", "72000000-5"),
              ("Transport", "60000000-8"), ("Møbler", "39100000-3"),
              ("Konsulenttjenester", "79400000-8"), ("Energi", "09310000-5"),
              ("Kontorrekvisita", "30192000-1"), ("Helse og omsorg", "85000000-9"))
DEPARTMENTS = ("Oppvekst", "Helse og velferd", "Eiendom", "Teknisk drift", "Kultur",
               "Administrasjon", "Samfunnsutvikling")
SUPPLIER_HEADER = ("organisasjonsnummer", "navn", "organisasjonsform.kode", "antallAnsatte",
                   "harRegistrertAntallAnsatte", "stiftelsesdato", "naeringskode1.kode",
                   "forretningsadresse.adresse", "forretningsadresse.postnummer",
                   "forretningsadresse.kommunenummer", "forretningsadresse.landkode")
SPEND_HEADER = ("invoice_id", "line", "date", "supplier_orgnr", "amount_nok", "account",
                "category", "cpv", "department")


def orgnumbers(rng: random.Random, count: int) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        first = f"{rng.randint(80_000_000, 99_999_999)}"
        digit = check_digit(first)
        if digit is not None:
            numbers.add(first + str(digit))
    return sorted(numbers)


def suppliers(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    postal = sorted(load_postal_codes())
    local = [code for code in postal if code.startswith(("20", "19"))]
    result = []
    for index, orgnr in enumerate(orgnumbers(rng, count)):
        size = rng.choices([s[0] for s in SIZES], [s[1] for s in SIZES])[0]
        span = dict((s[0], s[2]) for s in SIZES)[size]
        code = rng.choice(local) if rng.random() < 0.35 else rng.choice(postal)
        founded = date(2024, 6, 1) - timedelta(days=int(rng.expovariate(1 / 4000)))
        result.append({
            "organisasjonsnummer": orgnr,
            "navn": f"Leverandør {index:05d} AS",
            "organisasjonsform.kode": "AS" if rng.random() < 0.8 else "ENK",
            "antallAnsatte": rng.randint(*span) if span else "",
            "harRegistrertAntallAnsatte": "true" if span else "false",
            "stiftelsesdato": founded.isoformat(),
            "naeringskode1.kode": f"{rng.randint(10, 96)}.{rng.randint(100, 999)}",
            "forretningsadresse.adresse": f"Gate {index % 200 + 1}",
            "forretningsadresse.postnummer": code,
            "forretningsadresse.kommunenummer": "",
            "forretningsadresse.landkode": "NO",
            "_size": size,
        })
    return result


def write_suppliers(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUPPLIER_HEADER)
        for row in rows:
            writer.writerow([row[name] for name in SUPPLIER_HEADER])
    return path


def write_spend(path: Path, lines: int, supplier_rows: list[dict], *, year: int = 2025,
                seed: int = 11) -> Path:
    rng = random.Random(seed)
    numbers = [row["organisasjonsnummer"] for row in supplier_rows]
    weights = [SIZE_WEIGHT[row["_size"]] / (rank + 1) ** 0.6
               for rank, row in enumerate(supplier_rows)]
    rng.shuffle(weights)
    scale = {row["organisasjonsnummer"]: SIZE_WEIGHT[row["_size"]] for row in supplier_rows}
    outsiders = orgnumbers(random.Random(seed + 1), 200)
    outsiders = [n for n in outsiders if n not in scale][:100]
    days = [date(year, 1, 1) + timedelta(days=d) for d in range(365)]
    picks = rng.choices(numbers, weights, k=lines)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(SPEND_HEADER)
        invoice = line = 0
        for index in range(lines):
            if line == 0 or rng.random() < 0.7:
                invoice += 1
                line = 1
            else:
                line += 1
            orgnr = picks[index]
            roll = rng.random()
            if roll < 0.01:
                orgnr = ""
            elif roll < 0.02:
                orgnr = orgnr[:8] + str((int(orgnr[8]) + 1) % 10)  # a typo: fails mod-11
            elif roll < 0.03:
                orgnr = rng.choice(outsiders)
            amount = rng.lognormvariate(7.6, 1.3) * scale.get(orgnr, 1.0) ** 0.5
            if rng.random() < 0.003:
                amount *= 200  # the few large invoices
            if rng.random() < 0.01:
                amount = -amount / 3  # credit notes
            category, cpv = CATEGORIES[int(orgnr[:7] or 0) % len(CATEGORIES)]
            writer.writerow((f"F{year}-{invoice:08d}", line, rng.choice(days).isoformat(),
                             orgnr, f"{amount:.2f}".replace(".", ","),
                             6000 + (index % 9) * 100, category,
                             cpv if rng.random() < 0.6 else "", rng.choice(DEPARTMENTS)))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--suppliers", type=int, default=5_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = suppliers(args.suppliers)
    print(write_suppliers(args.out / "suppliers.csv", rows))
    print(write_spend(args.out / f"spend_{args.lines}.csv", args.lines, rows))


if __name__ == "__main__":
    main()
