#!/usr/bin/env python3
"""Benchmark of jit_core.backtest: N SKUs x D replayed days, on one core.

    python3 bench/bench_backtest.py                # N=10,000, D=365
    python3 bench/bench_backtest.py --n 2000 --days 180

A synthetic history (Poisson demand around a gamma-distributed ADU, a receipt
every 14 days, lead times of 2-14 days with sigma 1.5) with a 90-day warm-up
before the replayed days; the levels are recomputed every night (as the
nightly cron) or every 7 nights, with one policy or four (service levels
0.90 / 0.95 / 0.98 / 0.99, replayed together), sampled lead times. Prints the
machine, the best wall and CPU time (this process, one core) of --repeat
runs per case, and SKU-days per CPU second. On a shared machine the wall time
includes waiting for the core; the CPU time does not.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from jit_core.backtest import History, Policy, backtest  # noqa: E402

WARMUP = 90


def history(n: int, days: int, seed: int = 1) -> History:
    rng = np.random.default_rng(seed)
    total = WARMUP + days
    adu = rng.gamma(2.0, 3.0, n)
    receipts = np.zeros((n, total))
    receipts[:, ::14] = np.round(adu[:, None] * 14)
    return History(
        demand=rng.poisson(adu[:, None] * np.ones((1, total))).astype(float),
        receipts=receipts,
        opening=np.round(adu * 20),
        unit_cost=rng.uniform(1, 50, n),
        lead_time=rng.integers(2, 15, n).astype(float),
        lead_time_sigma=np.full(n, 1.5),
        multiple=rng.choice([0.0, 6.0], n),
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="SKUs")
    parser.add_argument("--days", type=int, default=365, help="replayed days")
    parser.add_argument("--repeat", type=int, default=2, help="runs per case")
    args = parser.parse_args()
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores (1 used), "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    h = history(args.n, args.days)
    levels = (0.90, 0.95, 0.98, 0.99)
    print(f"N={args.n:,} SKUs x {args.days} days (+{WARMUP}-day warm-up)")
    print(
        f"{'policies':>8}  {'recompute':>9}  {'wall s':>7}  {'CPU s':>6}  "
        f"{'SKU-days/s (CPU)':>16}"
    )
    for k in (1, 4):
        policies = [Policy(f"{s}", service_level=s) for s in levels[-k:]]
        for every in (1, 7):
            best, cpu = float("inf"), float("inf")
            for _ in range(args.repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                backtest(
                    h, policies, lead_times="sampled", seed=3, recompute_every=every
                )
                best = min(best, time.perf_counter() - start)
                cpu = min(cpu, time.process_time() - start_cpu)
            rate = args.n * args.days * k / cpu
            label = "nightly" if every == 1 else f"every {every}"
            print(f"{k:>8}  {label:>9}  {best:7.2f}  {cpu:6.2f}  {rate:16,.0f}")


if __name__ == "__main__":
    main()
