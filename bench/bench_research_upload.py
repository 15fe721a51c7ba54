"""How much CPU the research upload's checks cost on the worst files it accepts.

Run: ``.venv/bin/python bench/bench_research_upload.py [--reps N]``.

Each shape is a file just inside the limits (10 MB, 500 columns, 200,000 rows) that passes
every check, built to make one part of the work as expensive as it can be: the most cells,
the most rows, long free text, the most ten-digit numbers that fail the NHS check digit,
a date on every row, non-ASCII digits everywhere, and near misses for every pattern. Each
is timed with ``time.process_time`` (CPU, not wall clock) over ``--reps`` runs after one
warm-up, and the median is reported; the target is under 2 s for every shape.
Nothing is stored: the checks are the whole cost of an upload before the database write.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")

import django

django.setup()

from ourplan.research import services  # noqa: E402
from ourplan.research.deidentification import nhs_check_digit_matches  # noqa: E402

LIMIT = services.MAX_UPLOAD_BYTES - 1024  # a little room for the header
# Words, numbers and punctuation that start patterns without finishing them.
WORDS = " ".join(
    [
        "the group met weekly and talked about sleep routines walking and music;",
        "several people said the sessions helped them feel less alone; scored 12 of 20",
        "at week 6 and 15 at week 12, version 2.1.3 of the leaflet, room 4B,",
        "ratio 0.9434765919, in May",
    ]
).split(" ")


def _fill(header: str, make_row: Callable[[int], str], max_rows: int) -> bytes:
    lines = [header]
    size = len(header) + 1
    for i in range(max_rows):
        line = make_row(i)
        if size + len(line.encode()) + 1 > LIMIT:
            break
        lines.append(line)
        size += len(line.encode()) + 1
    return ("\n".join(lines) + "\n").encode()


def widest(rng: random.Random) -> bytes:
    """500 columns of one-digit scores: the most cells a file can hold (about 5 million)."""
    header = ",".join(f"q{i}" for i in range(services.MAX_COLUMNS))

    def row(i: int) -> str:
        return ",".join(rng.choice("0123456789") for _ in range(services.MAX_COLUMNS))

    return _fill(header, row, services.MAX_ROWS)


def longest(rng: random.Random) -> bytes:
    """200,000 rows of seven short columns: the most rows."""
    header = "site,team,week,score_a,score_b,score_c,group"

    def row(i: int) -> str:
        scores = f"{rng.randint(0, 27)},{rng.randint(0, 21)},{rng.random():.3f}"
        return f"S{i % 9},T{i % 7},{i % 52},{scores},g{i % 4}"

    return _fill(header, row, services.MAX_ROWS)


def free_text(rng: random.Random) -> bytes:
    """Two long free-text columns of words, numbers and punctuation on every row."""
    header = "site,comment,reflection"

    def text() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(60))

    def row(i: int) -> str:
        return f'S{i % 9},"{text()}","{text()}"'

    return _fill(header, row, services.MAX_ROWS)


def near_miss_nhs_numbers(rng: random.Random) -> bytes:
    """200,000 rows of ten-digit numbers that all fail the NHS check digit.

    They start with 1-9: a ten-digit number starting with 0 is a UK phone number's shape.
    """

    def failing() -> str:
        while True:
            digits = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(9))
            if not nhs_check_digit_matches(digits):
                return digits

    pool = [failing() for _ in range(5000)]
    header = "a,b,c,d"

    def row(i: int) -> str:
        return ",".join(rng.choice(pool) for _ in range(4))

    return _fill(header, row, services.MAX_ROWS)


def dated(rng: random.Random) -> bytes:
    """A date on every row (in study-date columns), in several written forms."""
    header = "assessment date,visit,score,follow_up_date"
    forms = ("{d:02d}/{m:02d}/2024", "2024-{m:02d}-{d:02d}", "{d} March 2024", "{d}.{m}.24")

    def date(i: int) -> str:
        return rng.choice(forms).format(d=1 + i % 28, m=1 + i % 12)

    def row(i: int) -> str:
        return f"{date(i)},{date(i + 3)},{i % 30},{date(i + 7)}"

    return _fill(header, row, services.MAX_ROWS)


def unicode_digits(rng: random.Random) -> bytes:
    """Arabic-Indic and full-width digits in every cell: the non-ASCII path throughout."""
    header = ",".join(f"m{i}" for i in range(40))
    digits = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９"

    def row(i: int) -> str:
        return ",".join("".join(rng.choice(digits) for _ in range(3)) for _ in range(40))

    return _fill(header, row, services.MAX_ROWS)


def near_misses(rng: random.Random) -> bytes:
    """Cells that start every pattern and finish none: '@', leading zeros, postcode-ish, 'born'."""
    header = "a,b,c,d,e,f"
    cells = ("x@y", "0 1 2 3 4", "01234", "B12 3rd", "born in", "dob unknown", "A1", "@@", "(0)")

    def row(i: int) -> str:
        return ",".join(rng.choice(cells) for _ in range(6))

    return _fill(header, row, services.MAX_ROWS)


SHAPES: dict[str, Callable[[random.Random], bytes]] = {
    "widest (500 columns)": widest,
    "longest (200,000 rows)": longest,
    "free text": free_text,
    "near-miss NHS numbers": near_miss_nhs_numbers,
    "dates on every row": dated,
    "non-ASCII digits": unicode_digits,
    "near misses": near_misses,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    worst = 0.0
    print(f"{'shape':<26} {'size':>9} {'rows':>8} {'cols':>5} {'CPU s (median)':>15}")
    for label, make in SHAPES.items():
        raw = make(random.Random(20240601))
        checked = services.check_upload(raw, "bench.csv")  # warm-up; raises if refused
        times = []
        for _ in range(args.reps):
            start = time.process_time()
            services.check_upload(raw, "bench.csv")
            times.append(time.process_time() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(
            f"{label:<26} {len(raw) / 1e6:>7.2f}MB {checked.row_count:>8,} "
            f"{len(checked.columns):>5} {median:>15.3f}"
        )
    print(f"worst accepted upload: {worst:.3f} s CPU (target < 2 s)")
    return 0 if worst < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
