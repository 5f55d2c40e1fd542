# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The RFQ mail and its reminder say what the portal page offers: answers
per line (confirm, reject, propose a quantity or date) or for the whole
order, through the link without an account, and what the deadline does."""

from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestMailWording(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()

    def _body(self, xmlid, order):
        template = self.env.ref(xmlid)
        return " ".join(
            template._render_field("body_html", order.ids)[order.id].split()
        )

    def test_rfq_mail_says_what_the_page_offers(self):
        order = self._rfq(jit=True)
        body = self._body("jit_replenishment.mail_template_jit_rfq", order)
        for words in (
            "each line",
            "confirm it, reject it, or propose another quantity or date",
            "the whole order",
            "no account is needed",
            "Lines you have not confirmed by then go to another supplier",
            order.get_portal_url(),
        ):
            self.assertIn(words, body)

    def test_reminder_says_what_the_page_offers(self):
        order = self._rfq(jit=True)
        body = self._body("jit_replenishment.mail_template_jit_reminder", order)
        for words in (
            "each line still waiting",
            "propose another quantity or date",
            "Lines not confirmed by then",
            order.get_portal_url(),
        ):
            self.assertIn(words, body)
