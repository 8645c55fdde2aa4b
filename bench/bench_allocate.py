"""Benchmark: maillage.core.money.allocate() over 1,000,000 splits.

Synthetic data from a seeded generator: totals between -10,000,000.00 € and 10,000,000.00 €
(credit notes included), 2 to 12 weights per split, half of the splits with integer weights
(e.g. allocation keys in per cent) and half with Decimal hours to 2 places (e.g. time spent per
project). Data are generated in batches outside the timed loop; only the calls are timed.

    .venv/bin/python bench/bench_allocate.py            # runs and records in bench/RESULTS.md
    .venv/bin/python bench/bench_allocate.py --splits 100000 --no-record
"""

import argparse
import datetime
import os
import platform
import random
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from maillage.core.money import allocate  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
BATCH = 100_000


def generate(rng: random.Random, count: int) -> list[tuple[Decimal, list]]:
    cases = []
    for index in range(count):
        total = Decimal(rng.randint(-1_000_000_000, 1_000_000_000)).scaleb(-2)
        size = rng.randint(2, 12)
        if index % 2:
            weights = [Decimal(rng.randint(0, 80_000)).scaleb(-2) for _ in range(size)]
            weights[rng.randrange(size)] += 1  # a positive sum
        else:
            weights = [rng.randint(0, 100) for _ in range(size)]
            weights[rng.randrange(size)] += 1
        cases.append((total, weights))
    return cases


def run(splits: int, seed: int) -> dict:
    rng = random.Random(seed)
    elapsed = 0.0
    done = 0
    weights_seen = 0
    while done < splits:
        batch = generate(rng, min(BATCH, splits - done))
        weights_seen += sum(len(weights) for _total, weights in batch)
        start = time.perf_counter()
        for total, weights in batch:
            allocate(total, weights)
        elapsed += time.perf_counter() - start
        # Outside the timing: the parts still add up to the total.
        for total, weights in batch[:1000]:
            assert sum(allocate(total, weights)) == total
        done += len(batch)
    return {
        "splits": done,
        "seconds": elapsed,
        "per_second": done / elapsed,
        "microseconds": elapsed / done * 1e6,
        "mean_weights": weights_seen / done,
    }


def machine() -> dict:
    cpu = "unknown"
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        if match:
            cpu = match[1].strip()
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))  # what `nproc` prints
    except AttributeError:
        cores = os.cpu_count() or 0
    return {
        "nproc": cores,
        "cpu": cpu,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "decimal": "C (_decimal)" if "_decimal" in sys.modules else "pure Python (_pydecimal)",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": ", ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def section(result: dict, host: dict, seed: int) -> str:
    return f"""## allocate() — {result["splits"]:,} splits

`bench/bench_allocate.py` (seed {seed}): random totals from -10,000,000.00 to
10,000,000.00 €, 2–12 weights per split (mean {result["mean_weights"]:.1f}), half integer
weights, half Decimal hours to 2 places. Only the `allocate()` calls are timed, one process.

| figure | value |
| --- | --- |
| splits | {result["splits"]:,} |
| total time | {result["seconds"]:.2f} s |
| splits per second | {result["per_second"]:,.0f} |
| time per split | {result["microseconds"]:.2f} µs |

Machine: {host["nproc"]} cores (`nproc`), {host["cpu"]}; {host["python"]}, decimal module in
{host["decimal"]}. Run on {host["date"]}; load average (1, 5, 15 min) at the end of
the run: {host["load"]} (other work was running on the machine when above 0).
"""


def record(text: str, path: Path = RESULTS) -> None:
    """Write the section into RESULTS.md, replacing an earlier run of the same benchmark."""
    heading = text.splitlines()[0]
    if path.exists():
        content = path.read_text()
    else:
        content = "# Benchmarks\n\nFigures measured by the scripts in `bench/`.\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(content):
        content = pattern.sub(lambda _m: text + "\n", content, count=1)
    else:
        content = content.rstrip("\n") + "\n\n" + text
    path.write_text(content.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20_251_123)
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    result = run(args.splits, args.seed)
    print(
        f"allocate(): {result['splits']:,} splits in {result['seconds']:.2f} s, "
        f"{result['per_second']:,.0f} splits/s ({result['microseconds']:.2f} µs per split)"
    )
    if not args.no_record:
        record(section(result, machine(), args.seed))
        print(f"Recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
