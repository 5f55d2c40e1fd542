# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..services import feedback


class ProductTemplate(models.Model):
    _inherit = "product.template"

    jit_profile_id = fields.Many2one(
        "jit.profile",
        string="JIT Profile",
        company_dependent=True,
        help="JIT profile of this product's reordering rules, unless a rule has "
        "its own. Empty: the category's, else the company default.",
    )
    jit_initial_adu = fields.Float(
        string="JIT Initial ADU",
        digits="Product Unit of Measure",
        help="Seed for a product without enough history: the average daily "
        "usage (in the product's unit) its JIT rules use until their window "
        "holds enough usable days. 0: the average of its category's JIT rules "
        "for a new product, else nothing.",
    )
    jit_orderpoint_count = fields.Integer(
        string="JIT Rules", compute="_compute_jit_orderpoint_count"
    )

    def _compute_jit_orderpoint_count(self):
        counts = dict(
            self.env["stock.warehouse.orderpoint"]._read_group(
                [("product_tmpl_id", "in", self.ids), ("jit_enabled", "=", True)],
                ["product_tmpl_id"],
                ["__count"],
            )
        )
        for template in self:
            template.jit_orderpoint_count = counts.get(template, 0)

    @api.constrains("jit_initial_adu")
    def _check_jit_initial_adu(self):
        for template in self:
            if template.jit_initial_adu < 0:
                raise ValidationError(
                    self.env._(
                        "Product %(name)s: the JIT initial ADU cannot be negative, "
                        "got %(value)s.",
                        name=template.display_name,
                        value=template.jit_initial_adu,
                    )
                )

    def action_jit_enable(self):
        return self.product_variant_ids.action_jit_enable()

    def action_jit_disable(self):
        return self.product_variant_ids.action_jit_disable()

    def action_view_jit_orderpoints(self):
        return self.product_variant_ids.action_view_jit_orderpoints()

    def action_view_jit_consumption(self):
        return self.product_variant_ids.action_view_jit_consumption()


class ProductProduct(models.Model):
    _inherit = "product.product"

    def action_jit_enable(self):
        """Pilot: turn JIT on for these products in every warehouse of the
        current company, creating the reordering rule where none exists.

        Products left out keep their manual minimum and maximum untouched.
        Needs the right to create and write reordering rules (JIT Buyer).
        """
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        Orderpoint.check_access("create")
        Orderpoint.check_access("write")
        storable = self.filtered("is_storable")
        if not storable:
            raise UserError(
                self.env._(
                    "JIT needs storable products; none of %(products)s is.",
                    products=", ".join(self.mapped("display_name")[:5]),
                )
            )
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)]
        )
        existing = Orderpoint.with_context(active_test=False).search(
            [
                ("product_id", "in", storable.ids),
                ("warehouse_id", "in", warehouses.ids),
            ]
        )
        have = {(op.product_id.id, op.warehouse_id.id) for op in existing}
        vals_list = [
            {
                "product_id": product.id,
                "warehouse_id": warehouse.id,
                "location_id": warehouse.lot_stock_id.id,
                "company_id": warehouse.company_id.id,
                "trigger": "auto",
                "jit_enabled": True,
            }
            for product in storable
            for warehouse in warehouses
            if (product.id, warehouse.id) not in have
        ]
        existing.filtered(lambda op: not op.jit_enabled or not op.active).write(
            {"jit_enabled": True, "active": True, "trigger": "auto"}
        )
        created = Orderpoint.create(vals_list)
        orderpoints = existing | created
        runs = orderpoints._jit_recompute(origin="manual")
        return feedback.notify(
            self.env,
            self.env._("JIT enabled"),
            self.env._(
                "JIT enabled on %(rules)s rule(s) of %(products)s product(s) "
                "(%(created)s rule(s) created). %(summary)s",
                rules=len(orderpoints),
                products=len(storable),
                created=len(created),
                summary=feedback.run_summary(self.env, runs),
            ),
            next_action=self.action_view_jit_orderpoints(),
        )

    def action_jit_disable(self):
        self.env["stock.warehouse.orderpoint"].check_access("write")
        orderpoints = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "in", self.ids), ("jit_enabled", "=", True)]
        )
        orderpoints.write({"jit_enabled": False})
        return True

    def action_view_jit_orderpoints(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "jit_replenishment.action_jit_orderpoints"
        )
        action["domain"] = [("product_id", "in", self.ids)]
        return action

    def action_view_jit_consumption(self):
        """One product: its consumption with ADU, min and max (the chart);
        several: a line of consumption per product."""
        if len(self) == 1:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "jit_replenishment.action_jit_consumption_chart"
            )
            action["name"] = action["display_name"] = self.env._(
                "Consumption of %(product)s", product=self.display_name
            )
        else:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "jit_replenishment.action_jit_consumption_report"
            )
            action["domain"] = [("product_id", "in", self.ids)]
        action["context"] = {"search_default_filter_last_90_days": 1}
        if len(self) == 1:
            action["context"]["search_default_product_id"] = self.id
        return action
