# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

import numpy as np

from odoo import api, fields, models
from odoo.exceptions import UserError

import jit_core
from jit_core.backtest import History, Policy
from jit_core.backtest import backtest as run_backtest
from jit_core.chart import have_matplotlib, write_chart

from ..services import feedback, locations


class _Rollback(Exception):
    """Leaves the savepoint of the temporary rules, carrying the history."""

    def __init__(self, history):
        super().__init__()
        self.history = history


class JitSimulate(models.TransientModel):
    """Simulate JIT: the company's own history replayed under a JIT profile
    (jit_core.backtest), next to what really happened, per product."""

    _name = "jit.simulate"
    _description = "Simulate JIT"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        domain="[('is_storable', '=', True)]",
        default=lambda self: self._default_product_ids(),
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Category",
        help="Simulate every storable product of this category (and its "
        "subcategories), besides the products listed.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    profile_id = fields.Many2one(
        "jit.profile",
        string="JIT Profile",
        required=True,
        check_company=True,
        default=lambda self: self.env.company.jit_profile_id,
    )
    period_days = fields.Integer(
        string="Period (days)",
        default=180,
        required=True,
        help="Days replayed, ending yesterday. The profile's window of days "
        "before them feeds the first computation.",
    )
    lead_times = fields.Selection(
        [
            ("fixed", "Fixed (the rule's lead time)"),
            ("sampled", "Sampled (mean and σ)"),
        ],
        default="fixed",
        required=True,
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    line_ids = fields.One2many("jit.simulate.line", "wizard_id", string="Comparison")
    chart = fields.Binary(readonly=True, attachment=False)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Totals over the products: the actual practice, then JIT.
    actual_stockout_days = fields.Integer(
        string="Stock-out Days (Actual)", readonly=True
    )
    jit_stockout_days = fields.Integer(string="Stock-out Days (JIT)", readonly=True)
    actual_fill_rate = fields.Float(string="Fill Rate (Actual)", readonly=True)
    jit_fill_rate = fields.Float(string="Fill Rate (JIT)", readonly=True)
    actual_avg_value = fields.Monetary(string="Avg Stock Value (Actual)", readonly=True)
    jit_avg_value = fields.Monetary(string="Avg Stock Value (JIT)", readonly=True)
    actual_orders = fields.Integer(string="Orders (Actual)", readonly=True)
    jit_orders = fields.Integer(string="Orders (JIT)", readonly=True)
    actual_carrying_cost = fields.Monetary(
        string="Carrying Cost (Actual)", readonly=True
    )
    jit_carrying_cost = fields.Monetary(string="Carrying Cost (JIT)", readonly=True)
    win_count = fields.Integer(string="Products Where JIT Wins", readonly=True)

    @api.depends("profile_id")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._(
                "Simulate JIT: %(profile)s", profile=wizard.profile_id.display_name
            )

    @api.model
    def _default_product_ids(self):
        ctx = self.env.context
        ids = ctx.get("active_ids") or []
        if ctx.get("active_model") == "product.product":
            return [(6, 0, ids)]
        if ctx.get("active_model") == "product.template":
            variants = self.env["product.template"].browse(ids).product_variant_ids
            return [(6, 0, variants.ids)]
        return []

    @api.constrains("period_days")
    def _check_period_days(self):
        for wizard in self:
            if not 1 <= wizard.period_days <= 730:
                raise UserError(
                    self.env._(
                        "The period must be between 1 and 730 days, got %(days)s.",
                        days=wizard.period_days,
                    )
                )

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_simulate(self):
        self.ensure_one()
        products = self._jit_simulate_products()
        rules, temporary = self._jit_simulate_rules(products)
        days = self.profile_id.window_days + self.period_days
        try:
            with self.env.cr.savepoint():
                every = rules
                if temporary:
                    Orderpoint = self.env["stock.warehouse.orderpoint"].sudo()
                    every = rules | Orderpoint.create(temporary)
                raise _Rollback(self._jit_simulate_history(every, days))
        except _Rollback as done:
            history, product_ids, rule_ids = done.history
        policy = Policy.from_profile(self.profile_id)
        result = run_backtest(history, [policy], lead_times=self.lead_times)
        kept = set(rules.ids)
        self._jit_simulate_write(
            result, product_ids, [r if r in kept else False for r in rule_ids]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Simulate JIT"),
        }

    def action_enable_jit(self):
        """JIT on (with the simulated profile) for the selected products: their
        rule in the warehouse, created when there is none; then computed now."""
        self.ensure_one()
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(self.env._("Select at least one product to enable JIT."))
        with_rule = lines.filtered("orderpoint_id")
        with_rule.orderpoint_id.write(
            {"jit_enabled": True, "jit_profile_id": self.profile_id.id}
        )
        created = self.env["stock.warehouse.orderpoint"].create(
            [
                {
                    "product_id": line.product_id.id,
                    "warehouse_id": self.warehouse_id.id,
                    "location_id": self.warehouse_id.lot_stock_id.id,
                    "company_id": self.company_id.id,
                    "jit_enabled": True,
                    "jit_profile_id": self.profile_id.id,
                }
                for line in lines - with_rule
            ]
        )
        rules = with_rule.orderpoint_id | created
        rules.check_access("write")
        runs = rules._jit_recompute(origin="manual")
        return feedback.notify(
            self.env,
            self.env._("JIT enabled"),
            self.env._(
                "JIT is on for %(count)s product(s) with profile %(profile)s. "
                "%(summary)s",
                count=len(lines),
                profile=self.profile_id.display_name,
                summary=feedback.run_summary(self.env, runs),
            ),
            next_action=lines.product_id.action_view_jit_orderpoints(),
        )

    # ------------------------------------------------------------------
    # business methods
    # ------------------------------------------------------------------
    def _jit_simulate_products(self):
        products = self.product_ids
        if self.categ_id:
            products |= self.env["product.product"].search(
                [("categ_id", "child_of", self.categ_id.id), ("is_storable", "=", True)]
            )
        products = products.filtered("is_storable")
        if not products:
            raise UserError(
                self.env._("Choose storable products or a category that has some.")
            )
        return products

    def _jit_simulate_rules(self, products):
        """The products' reordering rules in the warehouse's stock (the
        actual practice), and the values of temporary rules for products
        without one (created in a savepoint, rolled back after reading)."""
        stock = self.warehouse_id.lot_stock_id
        found = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "in", products.ids), ("location_id", "=", stock.id)],
            order="id",
        )
        first = {}
        for rule in found:
            first.setdefault(rule.product_id.id, rule.id)
        rules = found.browse(sorted(first.values()))
        missing = products - rules.product_id
        temporary = [
            {
                "product_id": product.id,
                "warehouse_id": self.warehouse_id.id,
                "location_id": stock.id,
                "company_id": self.company_id.id,
                "trigger": "manual",
            }
            for product in missing
        ]
        return rules, temporary

    def _jit_simulate_history(self, rules, n_days):
        """THE adapter to the recompute's own reading of history: the rules'
        window, done moves, consumption and lead times come from the
        orderpoint entry points the nightly recompute calls (_jit_read_rules,
        _jit_window, _jit_done_moves, _jit_consumption, _jit_lead_times).
        Receipts: done moves from a vendor location into the rule's
        warehouse. The stock at the start is rebuilt from today's on hand
        through receipts and consumption. Returns (History, product ids,
        rule ids) in the rules' order."""
        now = fields.Datetime.now()
        data = rules._jit_read_rules()
        n = len(data["id"])
        days = rules._jit_window(self.company_id, now, n_days)
        moves = rules._jit_done_moves(data, days, consuming_only=False)
        lead = rules._jit_lead_times(data, now.date())
        consumption, _booked = rules._jit_consumption(
            data,
            days,
            rules._jit_consumption_entries(data, days),
            lead["lead_time"],
            np.zeros(n, dtype=np.int64),
        )
        lookups = moves["lookups"]
        vendor = np.zeros(lookups["path"].size, dtype=bool)
        vendor[self.env["stock.location"].search([("usage", "=", "supplier")]).ids] = (
            True
        )
        row, rule = jit_core.match_keys(moves["product"], data["product_id"])
        inside = locations.tree_test(lookups, data["wh_path"], rule)
        sign = (
            inside(locations.loc_index(lookups, moves["dst"][row]))
            & vendor[locations.loc_index(lookups, moves["src"][row])]
        )
        _row, rule, day, qty = locations.rule_qty(
            data, moves, row, rule, sign.astype(float)
        )
        kept = day < n_days
        receipts = jit_core.daily_buckets(rule[kept], day[kept], qty[kept], n, n_days)
        demand = np.maximum(consumption, 0.0)  # a day of returns consumes nothing
        products = self.env["product.product"].browse(data["product_id"].tolist())
        on_hand = np.array(
            products.with_context(warehouse_id=self.warehouse_id.id).mapped(
                "qty_available"
            )
        )
        history = History(
            demand=demand,
            receipts=receipts,
            opening=np.maximum(on_hand - receipts.sum(1) + demand.sum(1), 0.0),
            unit_cost=np.array(products.mapped("standard_price")),
            lead_time=lead["lead_time"],
            lead_time_sigma=lead["sigma"],
            moq=lead["moq"],
            multiple=data["qty_multiple"],
            rounding=data["uom_rounding"],
            sku=products.mapped("display_name"),
        )
        return history, data["product_id"].tolist(), data["id"].tolist()

    def _jit_simulate_write(self, result, product_ids, rule_ids):
        """The comparison: one line per product (JIT selected where it wins),
        the totals, and the chart."""
        jit, actual = result.policies[0], result.actual
        wins = result.wins(0)
        self.line_ids.unlink()
        self.env["jit.simulate.line"].create(
            [
                {
                    "wizard_id": self.id,
                    "product_id": product_ids[i],
                    "orderpoint_id": rule_ids[i],
                    "actual_stockout_days": int(actual.stockout_days[i]),
                    "jit_stockout_days": int(jit.stockout_days[i]),
                    "actual_avg_value": float(actual.avg_value[i]),
                    "jit_avg_value": float(jit.avg_value[i]),
                    "actual_orders": int(actual.orders[i]),
                    "jit_orders": int(jit.orders[i]),
                    "actual_fill_rate": float(actual.fill_rate[i]),
                    "jit_fill_rate": float(jit.fill_rate[i]),
                    "wins": bool(wins[i]),
                    "selected": bool(wins[i]),
                }
                for i in range(len(product_ids))
            ]
        )
        chart = False
        if have_matplotlib():
            buffer = io.BytesIO()
            write_chart(result, buffer)
            chart = base64.b64encode(buffer.getvalue())
        totals = {}
        for prefix, row in zip(("actual", "jit"), result.table(), strict=True):
            for key in (
                "stockout_days",
                "fill_rate",
                "avg_value",
                "orders",
                "carrying_cost",
            ):
                totals[f"{prefix}_{key}"] = row[key]
        self.write(
            {**totals, "state": "done", "chart": chart, "win_count": int(wins.sum())}
        )


class JitSimulateLine(models.TransientModel):
    _name = "jit.simulate.line"
    _description = "Simulate JIT: one product"
    _order = "wins desc, product_id"

    wizard_id = fields.Many2one("jit.simulate", required=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", readonly=True)
    orderpoint_id = fields.Many2one("stock.warehouse.orderpoint", readonly=True)
    actual_stockout_days = fields.Integer(
        string="Stock-out Days (Actual)", readonly=True
    )
    jit_stockout_days = fields.Integer(string="Stock-out Days (JIT)", readonly=True)
    actual_avg_value = fields.Float(string="Avg Stock Value (Actual)", readonly=True)
    jit_avg_value = fields.Float(string="Avg Stock Value (JIT)", readonly=True)
    actual_orders = fields.Integer(string="Orders (Actual)", readonly=True)
    jit_orders = fields.Integer(string="Orders (JIT)", readonly=True)
    actual_fill_rate = fields.Float(string="Fill Rate (Actual)", readonly=True)
    jit_fill_rate = fields.Float(string="Fill Rate (JIT)", readonly=True)
    wins = fields.Boolean(
        string="JIT Wins",
        readonly=True,
        help="No more stock-out days at a lower average stock value, or fewer "
        "stock-out days at no higher value.",
    )
    selected = fields.Boolean(string="Enable JIT")
