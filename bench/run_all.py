"""Run every benchmark and record its figures in bench/RESULTS.md."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent

for script in (
    "bench_allocate.py",
    "http_bench.py",
    "bench_partnerships.py",
    "bench_diagnostics.py",
):
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(BENCH / script)], check=True)
