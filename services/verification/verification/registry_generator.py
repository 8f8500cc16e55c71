"""A synthetic family-card registry for development and tests: families of real Kemendagri villages whose
No. KK and NIKs follow the rules (district prefix, dates, +40 for women, serial 0001–9999).

    python -m verification.registry_generator --families 300 --seed 2026 --out family_cards.csv

Names are drawn from common Indonesian given names; no real person is described.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator

from ektp_shared.identity.generator import format_kk, format_nik
from ektp_shared.reference.enumerations import FEMALE, MALE
from ektp_shared.reference.regions import Level, children, regions

from .rules.registry import COLUMNS, Member

MEN = ("Budi", "Agus", "Andi", "Rudi", "Hendra", "Joko", "Wahyu", "Dedi", "Eko", "Fajar", "Rizky", "Bambang", "Yusuf",
       "Arif", "Teguh", "Ahmad", "Imam", "Slamet", "Dimas", "Bayu")
WOMEN = ("Siti", "Dewi", "Sri", "Rina", "Wati", "Nur", "Lestari", "Ayu", "Fitri", "Indah", "Yuni", "Ratna", "Putri",
         "Sari", "Maya", "Rahma", "Dian", "Wulan", "Intan", "Nia")
FAMILY = ("Santoso", "Wijaya", "Saputra", "Hidayat", "Pratama", "Kusuma", "Nugroho", "Setiawan", "Siregar", "Nasution",
          "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Gunawan", "Susanto", "Hakim", "Rahman", "Wibowo", "Purnama")
HEAD, SPOUSE, CHILD = "KEPALA KELUARGA", "ISTRI", "ANAK"


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def families(rng: random.Random, count: int, today: dt.date, districts: list[str] | None = None) -> Iterator[Member]:
    """`count` families; each member's NIK and the No. KK carry the family's district."""
    pool = districts or [r.code for r in regions(Level.DISTRICT)]
    used: set[str] = set()

    def unique(make) -> str:
        while (number := make(rng.randint(1, 9999))) in used:
            pass
        used.add(number)
        return number

    for _ in range(count):
        district = rng.choice(pool)
        villages = children(district)
        village = rng.choice(villages).code if villages else district + ".1001"
        place = rng.choice(("Bogor", "Bandung", "Semarang", "Surabaya", "Medan", "Makassar", "Denpasar", "Padang"))
        surname = rng.choice(FAMILY)
        head_born = _day(rng, _years(today, -65), _years(today, -25))
        married = _day(rng, _years(head_born, 20), min(today, _years(head_born, 35)))
        issued = _day(rng, married, today)
        kk = unique(lambda serial: format_kk(district, issued, serial))
        spouse_born = _day(rng, _years(head_born, -5), _years(head_born, 5))
        people = [(f"{rng.choice(MEN)} {surname}", head_born, MALE, HEAD),
                  (f"{rng.choice(WOMEN)} {rng.choice(FAMILY)}", spouse_born, FEMALE, SPOUSE)]
        first_child = married + dt.timedelta(days=300)
        for _ in range(rng.randint(0, 3) if first_child <= today else 0):
            gender = rng.choice((MALE, FEMALE))
            born = _day(rng, first_child, today)
            people.append((f"{rng.choice(MEN if gender == MALE else WOMEN)} {surname}", born, gender, CHILD))
        for name, born, gender, relationship in people:
            nik = unique(lambda serial: format_nik(district, born, gender, serial))
            yield Member(kk, nik, name, place, born.isoformat(), gender, relationship, village)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 27),
                        help="the day the registry describes (fixed by default, so the file is reproducible)")
    parser.add_argument("--out", default="-", help="CSV file to write (default: standard output)")
    args = parser.parse_args(argv)
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for member in families(random.Random(args.seed), args.families, args.today):
        writer.writerow([getattr(member, column) for column in COLUMNS])
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
