"""The shipped demo history is what tools/make_demo_history.py makes."""

import numpy as np

from jit_core import demo


def test_shipped_demo_history_is_the_generated_one():
    shipped = demo.load()
    made = demo.generate()
    assert shipped.demand.shape == (demo.DEMO_SKUS, demo.DEMO_WARMUP + demo.DEMO_DAYS)
    for name in (
        "demand",
        "receipts",
        "opening",
        "unit_cost",
        "lead_time",
        "lead_time_sigma",
        "multiple",
    ):
        np.testing.assert_array_equal(
            getattr(shipped, name), getattr(made, name), err_msg=name
        )
    assert shipped.sku == made.sku
