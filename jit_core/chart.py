"""The backtest chart (PNG) with matplotlib, an optional extra:
`pip install "jit_core[plot]"`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .backtest import BacktestResult

PLOT_HINT = 'the chart needs matplotlib: pip install "jit_core[plot]"'


def have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def write_chart(result: BacktestResult, path, title: str = ""):
    """Three panels: total stock value over time (actual and each policy);
    the trade-off curve (average stock value against stock-out days, the
    actual practice as one point); a summary bar chart (stock-out days,
    average stock value and orders, each relative to the actual practice).
    `path`: a file name or a binary file object (returned as given).
    Raises ImportError (with PLOT_HINT) without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(PLOT_HINT) from exc
    rows = result.table()
    outcomes = [result.actual, *result.policies]
    fig, (over_time, curve, bars) = plt.subplots(
        1, 3, figsize=(15, 4.6), gridspec_kw={"width_ratios": [1.5, 1, 1]}
    )
    _plot_over_time(over_time, result, outcomes)
    _plot_trade_off(curve, rows)
    _plot_relative(bars, rows)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if isinstance(path, str | Path):
        path = Path(path)
    fig.savefig(path, dpi=80, format="png")
    plt.close(fig)
    return path


def _plot_over_time(over_time, result: BacktestResult, outcomes):
    """Total stock value per day, the actual practice in bold black."""
    days = np.arange(result.days)
    for outcome in outcomes:
        style = {"color": "black", "lw": 2} if outcome is result.actual else {"lw": 1}
        over_time.plot(days, outcome.daily_value, label=outcome.name, **style)
    over_time.set(
        title="Stock value at each day's close",
        xlabel="day of the replay",
        ylabel="stock value",
    )
    over_time.legend(fontsize=8)


def _plot_trade_off(curve, rows):
    """Average stock value against stock-out days per policy."""
    value = [r["avg_value"] for r in rows]
    outs = [r["stockout_days"] for r in rows]
    curve.plot(value[1:], outs[1:], "o-", label="JIT policies")
    for row in rows[1:]:
        curve.annotate(
            row["policy"],
            (row["avg_value"], row["stockout_days"]),
            textcoords="offset points",
            xytext=(5, 5),
            fontsize=8,
        )
    curve.plot(value[:1], outs[:1], "s", color="black", ms=9, label="actual")
    curve.set(
        title="Trade-off",
        xlabel="average stock value",
        ylabel="stock-out days (SKU-days)",
        xlim=(0, max(value) * 1.15),
        ylim=(0, max(outs) * 1.15 + 1),
    )
    curve.legend(fontsize=8)


def _plot_relative(bars, rows):
    """Stock-out days, average value and orders relative to the actual."""
    base = rows[0]
    measures = [
        ("stockout_days", "stock-out days"),
        ("avg_value", "avg value"),
        ("orders", "orders"),
    ]
    width = 0.8 / len(rows)
    x = np.arange(len(measures))
    for i, row in enumerate(rows):
        ratio = [row[key] / base[key] if base[key] else 0.0 for key, _ in measures]
        bars.bar(
            x + i * width,
            ratio,
            width,
            label=row["policy"],
            color="black" if i == 0 else None,
        )
    bars.set_xticks(x + width * (len(rows) - 1) / 2, [m[1] for m in measures])
    bars.axhline(1.0, color="grey", lw=0.8)
    bars.set(title="Relative to the actual practice (= 1)")
    bars.legend(fontsize=7)
