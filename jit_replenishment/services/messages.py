# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a rule's message says when it is not applied, or where its seed ADU
came from (next to its lead time's message)."""

import numpy as np


def messages(env, rules, profiles, out, seeds, insufficient, no_history, lead):
    """Why a rule was not applied, or where its seed ADU came from, next
    to its lead time's message (lead_times.py; None when all is well)."""
    messages = lead["message"].copy()
    for i in np.flatnonzero(insufficient | no_history | (seeds["adu"] > 0)):
        profile = profiles[rules["profile_id"][i]]
        values = {
            "usable": out["usable"][i],
            "minimum": out["minimum"][i],
            "adu": round(seeds["adu"][i], 4),
        }
        if seeds["kind"][i] == "product":
            text = env._(
                "Seed: the initial ADU typed on the product (%(adu)s a day), "
                "until the window holds consumption and at least "
                "%(minimum)s usable days (%(usable)s now).",
                **values,
            )
        elif seeds["kind"][i] == "category":
            text = env._(
                "Seed: the average ADU of the JIT rules of category "
                "%(category)s (%(adu)s a day), until the window holds "
                "consumption and at least %(minimum)s usable days "
                "(%(usable)s now).",
                category=seeds["category"][i],
                **values,
            )
        elif insufficient[i]:
            text = (
                env._(
                    "Not applied: %(usable)s usable days in the window, at "
                    "least %(minimum)s needed (stock-out days excluded).",
                    **values,
                )
                if profile.exclude_stockout_days
                else env._(
                    "Not applied: %(usable)s usable days in the window, at "
                    "least %(minimum)s needed.",
                    **values,
                )
            )
        else:
            text = env._(
                "Not applied: no consumption in the window (%(days)s days) "
                "and no seed ADU.",
                days=profile.window_days,
            )
        messages[i] = f"{text} {messages[i]}" if messages[i] else text
    return messages
