"""`odoo-jit backtest`: the comparison table and the chart."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .backtest import Policy, backtest
from .chart import PLOT_HINT, have_matplotlib, write_chart
from .cli_output import Progress, UsageError, print_table

COLUMNS = [
    ("policy", "policy"),
    ("stockout_days", "stock-out days"),
    ("fill_rate", "fill rate"),
    ("avg_on_hand", "avg on hand"),
    ("avg_value", "avg stock value"),
    ("orders", "orders"),
    ("carrying_cost", "carrying cost"),
    ("wins", "SKUs won"),
]


def _levels(text: str) -> list[float]:
    try:
        levels = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"service levels must be numbers like 0.95,0.98, got {text!r}"
        ) from None
    bad = [x for x in levels if not 0 < x < 1]
    if bad or not levels:
        raise argparse.ArgumentTypeError(
            f"service levels must be in (0, 1), got {text!r}"
        )
    return levels


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def add_backtest_parser(sub, add_connection) -> None:
    p = sub.add_parser(
        "backtest",
        help="replay a history under JIT policies and compare with what happened",
        description="Replay a daily history under JIT policies (the nightly "
        "recompute's own arithmetic) and compare stock-outs, stock value, orders "
        "and carrying cost with the actual practice. --demo uses the history "
        "shipped in the package (no Odoo needed); otherwise the history of the "
        "JIT rules of a live Odoo is read over its external API.",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="use the demo history shipped in the package (300 SKUs, a year)",
    )
    _add_policy_arguments(p)
    _add_output_arguments(p)
    add_connection(p)


def run_backtest(args, make_client) -> int:
    if args.holding_rate < 0:
        raise UsageError(f"--holding-rate must be >= 0, got {args.holding_rate}")
    history, source = _load_history(args, make_client)
    policies = [
        Policy(
            f"JIT {level * 100:g}%",
            service_level=level,
            review_period_days=args.review_period,
            window_days=args.window,
        )
        for level in args.service_levels
    ]
    n, total_days = history.shape
    if total_days <= args.window:
        raise UsageError(
            f"--window {args.window} leaves no day to replay: the history has "
            f"{total_days} days"
        )
    bar = Progress(total_days - args.window, "replaying", args.progress)
    result = backtest(
        history,
        policies,
        lead_times=args.lead_times,
        seed=args.seed,
        holding_rate=args.holding_rate,
        progress=lambda done: bar(done),
    )
    return _print_result(args, result, n, source)


def _add_policy_arguments(p) -> None:
    """The policies replayed and the history's span."""
    p.add_argument(
        "--service-levels",
        type=_levels,
        default=[0.90, 0.95, 0.98, 0.99],
        metavar="L1,L2,...",
        help="one policy per level (default 0.9,0.95,0.98,0.99)",
    )
    p.add_argument(
        "--window",
        type=_positive_int,
        default=90,
        help="demand window in days (default 90)",
    )
    p.add_argument(
        "--review-period",
        type=float,
        default=7.0,
        help="days of demand per order (default 7)",
    )
    p.add_argument(
        "--lead-times",
        choices=("fixed", "sampled"),
        default="sampled",
        help="each SKU's mean lead time, or a normal draw per order (default)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the lead-time draws")
    p.add_argument(
        "--days",
        type=_positive_int,
        default=None,
        help="live history: days replayed after the window (default: "
        "365 - window, the year the consumption report keeps)",
    )
    p.add_argument(
        "--holding-rate",
        type=float,
        default=0.25,
        help="yearly carrying cost as a share of stock value (default 0.25)",
    )


def _add_output_arguments(p) -> None:
    """The table's format, the chart and the progress bar."""
    p.add_argument(
        "--chart",
        default="odoo-jit-backtest.png",
        metavar="PNG",
        help="chart file (default odoo-jit-backtest.png)",
    )
    p.add_argument("--no-chart", action="store_true", help="do not write the chart")
    p.add_argument("--csv", action="store_true", help="print the table as CSV")
    p.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when stderr is not a terminal",
    )


def _load_history(args, make_client):
    """(history, where it comes from): the demo's, else the live Odoo's."""
    if args.demo:
        from . import demo

        history, source = demo.load(), "demo history"
    else:
        from .odoo_history import read_history

        client = make_client(args)
        days = args.days or max(365 - args.window, 1)
        history = read_history(
            client, args.window + days, Progress(1, "reading", args.progress)
        )
        source = f"{client.db} on {client.url}"
    return history, source


def _print_result(args, result, n, source) -> int:
    """The comparison table (with each policy's SKUs won), then the chart."""
    rows = result.table()
    rows[0]["wins"] = ""
    for i, row in enumerate(rows[1:]):
        row["wins"] = f"{int(result.wins(i).sum())}/{n}"
    if not args.csv:
        print(
            f"Backtest of {n} SKUs over {result.days} days ({source}); "
            f"levels recomputed nightly from a {args.window}-day window."
        )
    print_table(rows, COLUMNS, as_csv=args.csv)
    if args.no_chart:
        return 0
    if not have_matplotlib():
        print(f"odoo-jit: no chart: {PLOT_HINT}", file=sys.stderr)
        return 0
    path = write_chart(
        result,
        Path(args.chart),
        title=f"JIT backtest: {n} SKUs, {result.days} days ({source})",
    )
    if not args.csv:
        print(f"Chart: {path}")
    return 0
