# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recompute's overridable entry points on reordering rules. Each is a
thin hook that delegates to the service holding the rule of the business
(jit_replenishment/services): override one to change that step only."""

from odoo import api, models

from ..services import (
    approvals,
    consumption,
    demo_data,
    inputs,
    lead_times,
    locations,
    messages,
    pg,
    pull_trigger,
    recompute,
    write_back,
)


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    # --- the job ----------------------------------------------------------
    @api.model
    def _cron_jit_recompute(self, batch_size=None):
        """Nightly recompute, one batch per call, resumable.

        The cron's open run is resumed: rules it has not reached yet are
        computed, one batch per call. ir.cron calls again while the progress
        API reports work remaining, committing in between, so a crash loses at
        most one batch and a re-run finishes the same run.
        """
        return recompute.cron(self, batch_size or self._jit_get_batch_size())

    @api.model
    def _jit_get_batch_size(self):
        """Rules per batch: the setting, or the default when it is unset or
        not a positive integer (the settings form refuses such values)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("jit_replenishment.batch_size")
        )
        try:
            size = int(value)
        except (TypeError, ValueError):
            size = 0
        return size if size > 0 else self._jit_batch_size

    def _jit_recompute(self, origin="manual"):
        """Recompute these rules now, in batches; returns the runs (one per
        company)."""
        return recompute.recompute(self, origin, self._jit_get_batch_size())

    def _jit_mark_failed(self, run, exc):
        recompute.mark_failed(self, run, exc)

    def _jit_compute(self, run):
        """Compute min/max of these JIT rules (all of run's company)."""
        recompute.compute(self, run)

    # --- inputs -------------------------------------------------------------
    def _jit_read_rules(self):
        return inputs.read_rules(self.env, self.ids)

    def _jit_resolve_profiles(self, rules):
        return inputs.resolve_profiles(self.env, rules)

    @api.model
    def _jit_window(self, company, now, window_days, tail=False):
        return inputs.window(company, now, window_days, tail=tail)

    def _jit_done_moves(self, rules, days, consuming_only):
        return inputs.done_moves(self, rules, days, consuming_only)

    def _jit_copy_rows(self, query, row):
        """The rows of `query` through binary COPY (pg.copy_rows)."""
        return pg.copy_rows(self.env.cr, query, row)

    def _jit_lookups(self):
        return locations.lookups(self.env)

    def _jit_consumption(self, rules, days, moves, lead_time, first_day):
        """Daily consumption and booked share (services/consumption.py)."""
        return consumption.daily_consumption(rules, days, moves, lead_time, first_day)

    def _jit_stockout_mask(self, rules, days, moves):
        return inputs.stockout_mask(self.env, rules, days, moves)

    def _jit_seeds(self, rules, wanted, new_since):
        return inputs.seeds(self.env, rules, wanted, new_since)

    def _jit_lead_times(self, rules, today, run=None):
        """Lead time, its σ, source and the MOQ per rule (lead_times.py)."""
        return lead_times.lead_times(
            self, rules, today, run, min_samples=self._jit_min_lead_time_samples
        )

    def _jit_route_delays(self, rules, lines, line_delays, run=None):
        return lead_times.route_delays(self, rules, lines, line_delays, run)

    def _jit_route_rules(self, ops, run=None):
        return lead_times.route_rules(self, ops.ids, run)

    # --- results ------------------------------------------------------------
    def _jit_messages(
        self, rules, profiles, out, seeds, insufficient, no_history, lead
    ):
        return messages.messages(
            self.env, rules, profiles, out, seeds, insufficient, no_history, lead
        )

    def _jit_holds(self, rules, state, message, new_min, new_max, threshold, today):
        return approvals.holds(
            self.env, rules, state, message, new_min, new_max, threshold, today
        )

    def _jit_write_back(self, run, rules, results, extra, now):
        write_back.write_back(self, run, rules, results, extra, now)

    @staticmethod
    def _jit_sql_array(values):
        """A PostgreSQL array literal for a bound parameter (pg.sql_array)."""
        return pg.sql_array(values)

    # --- approvals ----------------------------------------------------------
    def _jit_request_approval(self, run):
        approvals.request_approval(self, run)

    def _jit_settle_approvals(self, feedback):
        approvals.settle_approvals(self, feedback)

    # --- pull trigger -------------------------------------------------------
    @api.model
    def _jit_pulled_by(self, moves):
        """The JIT rules these validated moves may have brought below their
        minimum (pull_trigger.py)."""
        return pull_trigger.pulled_by(self, moves)

    def _jit_procure_if_below_min(self):
        return pull_trigger.procure_if_below_min(self)

    # --- demo data ----------------------------------------------------------
    @api.model
    def _jit_demo_load(self, product_ids):
        return demo_data.demo_load(self, product_ids)
