# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import io
import re
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.purchase.controllers.portal import CustomerPortal

FLASH_KEY = "supplier_portal_notice"
LINE_ANSWER = re.compile(r"^answer_(.+)$")
# Odoo's home counters of the vendor's lists, with the domain of the list
# each counts (purchase's portal controller: /my/rfq, /my/purchase "all").
LIST_COUNTERS = {
    "rfq_count": [("state", "=", "sent")],
    "purchase_count": [("state", "in", ["purchase", "done", "cancel"])],
}


class SupplierPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # home counter, lists
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        # Record rules filter: the vendor's own orders, no sudo.
        Order = request.env["purchase.order"]
        readable = Order.has_access("read")
        # Each counter counts its list: the list's domain, less what the
        # vendor's lists leave out.
        listed = {
            **LIST_COUNTERS,
            "sp_waiting_count": Order._vendor_waiting_domain(),
        }
        for counter, domain in listed.items():
            if counter in counters:
                values[counter] = (
                    Order.search_count([*domain, *Order._vendor_listed_domain()])
                    if readable
                    else 0
                )
        if "sp_forecast_count" in counters:
            values["sp_forecast_count"] = len(
                request.env.user.partner_id._vendor_forecast_rules()
            )
        return values

    def _get_purchase_searchbar_sortings(self):
        sortings = super()._get_purchase_searchbar_sortings()
        sortings["deadline"] = {
            "label": request.env._("Answer Deadline"),
            "order": "jit_confirmation_deadline asc, id asc",
        }
        return sortings

    def _sp_waiting_filter(self):
        return {
            "label": request.env._("Waiting for your answer"),
            "domain": request.env["purchase.order"]._vendor_waiting_domain(),
        }

    def _render_portal(
        self,
        template,
        page,
        date_begin,
        date_end,
        sortby,
        filterby,
        domain,
        searchbar_filters,
        default_filter,
        url,
        history,
        page_name,
        key,
    ):
        # Both of Odoo's lists get the "waiting for your answer" filter (the
        # RFQ list has no filter of its own: "all" is its plain list).
        if url in ("/my/rfq", "/my/purchase"):
            # Lines split off a vendor's order (services/split.py) are the
            # buyer's bookkeeping, under a number the vendor never received.
            domain = [*domain, *request.env["purchase.order"]._vendor_listed_domain()]
            searchbar_filters = dict(
                searchbar_filters
                or {"all": {"label": request.env._("All"), "domain": []}}
            )
            searchbar_filters["waiting"] = self._sp_waiting_filter()
            default_filter = default_filter or "all"
            if filterby not in searchbar_filters:
                filterby = None
            if sortby not in self._get_purchase_searchbar_sortings():
                sortby = None
        return super()._render_portal(
            template,
            page,
            date_begin,
            date_end,
            sortby,
            filterby,
            domain,
            searchbar_filters,
            default_filter,
            url,
            history,
            page_name,
            key,
        )

    # ------------------------------------------------------------------
    # order page
    # ------------------------------------------------------------------
    def _purchase_order_get_page_view_values(self, order, access_token, **kwargs):
        values = super()._purchase_order_get_page_view_values(
            order, access_token, **kwargs
        )
        values["sp_notice"] = request.session.pop(FLASH_KEY, None)
        today = fields.Date.context_today(order)
        values["sp_min_date"] = today
        values["sp_max_date"] = today + timedelta(days=order._vendor_max_days_ahead)
        values["sp_forecast_url"] = order.get_portal_url(suffix="/forecast")
        values["sp_dates_open"] = order._vendor_date_updates_open()
        values["sp_can_answer"] = (
            order.state == "sent"
            and not order.jit_replacement_order_id
            and order.jit_vendor_state != "rejected"
            and bool(order._vendor_pending_lines())
        )
        return values

    @http.route(
        ["/my/purchase/<int:order_id>/answer"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_purchase_order_answer(self, order_id, access_token=None, **post):
        """The vendor's answers from the order page (signed in, or through
        the RFQ mail's access link). CSRF-checked (Odoo's default for POST)."""
        try:
            order_sudo = self._document_check_access(
                "purchase.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        user = request.env.user
        # The sudo record, but with the real user: events and messages say who.
        order = order_sudo.with_user(user).sudo()
        channel = order._vendor_request_channel()
        try:
            with request.env.cr.savepoint():
                order._vendor_answer(
                    self._sp_answers_from_form(order, post),
                    channel,
                    token_link=channel == "token",
                )
        except (UserError, ValidationError) as exc:
            values = self._purchase_order_get_page_view_values(order_sudo, access_token)
            values["sp_error"] = exc.args[0]
            if order_sudo.company_id:
                values["res_company"] = order_sudo.company_id
            return request.render(
                "purchase.portal_my_purchase_order", values, status=400
            )
        request.session[FLASH_KEY] = request.env._("Thank you, your answer was sent.")
        url = f"/my/purchase/{order_id}"
        if access_token:
            url += f"?access_token={access_token}"
        return request.redirect(url)

    @http.route(
        ["/my/purchase/<int:order_id>/update"],
        type="json",
        auth="public",
        website=True,
    )
    def portal_my_purchase_order_update_dates(
        self, order_id=None, access_token=None, **kw
    ):
        """Odoo's per-line date update, validated as a counter-proposal's date
        first (a UserError is the JSON-RPC error the page gets), then applied
        by Odoo, recorded as the vendor's promise through its channel. Odoo's
        date picker sends the access token in the query string, which a JSON
        route does not read: it is read here, so the access link works."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access(
                "purchase.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        order = order_sudo.with_user(request.env.user).sudo()
        order._vendor_date_updates(kw)
        request.update_context(jit_channel=order._vendor_request_channel())
        return super().portal_my_purchase_order_update_dates(
            order_id=order_id, access_token=access_token, **kw
        )

    def _sp_answers_from_form(self, order, post):
        """Form fields to the model's answers. Only the known fields of each
        answered line are taken; the model validates every value."""
        bulk = post.get("bulk")
        if bulk in ("confirm_all", "reject_all"):
            kind = "confirm" if bulk == "confirm_all" else "reject"
            extra = {"reason": post.get("reason_all")} if kind == "reject" else {}
            # The same "every pending line" answers as the API's bulk calls.
            return order._vendor_bulk(None, kind, **extra)
        answers = []
        for key in sorted(post):
            match = LINE_ANSWER.match(key)
            if not match or not post[key]:
                continue
            raw_id = match.group(1)
            kind = post[key]
            # One text box per line: the reason of a rejection, otherwise
            # the comment.
            answer = {
                "line_id": raw_id,
                "answer": kind,
                "reason" if kind == "reject" else "comment": post.get(f"note_{raw_id}"),
            }
            if kind == "propose":
                answer["quantity"] = post.get(f"quantity_{raw_id}")
                answer["date"] = post.get(f"date_{raw_id}")
            answers.append(answer)
        if not answers:
            raise UserError(
                request.env._(
                    "Choose an answer for at least one line (confirm, reject or "
                    "propose)."
                )
            )
        return answers

    # ------------------------------------------------------------------
    # forecast
    # ------------------------------------------------------------------
    @http.route(["/my/jit/forecast"], type="http", auth="user", website=True)
    def portal_my_jit_forecast(self, download=None, **kw):
        """Expected orders of the signed-in vendor's company, per week."""
        return self._sp_forecast(
            request.env.user.partner_id, "/my/jit/forecast", download
        )

    @http.route(
        ["/my/purchase/<int:order_id>/forecast"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_purchase_order_forecast(
        self, order_id, access_token=None, download=None, **kw
    ):
        """The forecast of the order's vendor, from the order's page (signed
        in, or through the RFQ mail's access link): the same checks as the
        order itself, and that vendor's rows only."""
        try:
            order_sudo = self._document_check_access(
                "purchase.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._sp_forecast(
            order_sudo.partner_id,
            order_sudo.get_portal_url(suffix="/forecast"),
            download,
        )

    def _sp_forecast(self, partner, url, download):
        """The forecast page (or CSV) of `partner`'s company; `url` is the
        page's own address (the CSV link adds to it)."""
        weeks = partner._vendor_forecast_weeks()
        rows = partner._vendor_forecast(weeks)
        today = fields.Date.context_today(partner)
        starts = [today + timedelta(days=7 * i) for i in range(weeks)]
        if download == "csv":
            return self._sp_forecast_csv(rows, starts)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "jit_forecast",
                "sp_rows": rows,
                "sp_week_starts": starts,
                "sp_csv_url": url + ("&" if "?" in url else "?") + "download=csv",
            }
        )
        return request.render("supplier_portal.portal_my_jit_forecast", values)

    def _sp_forecast_csv(self, rows, starts):
        def cell(value):
            # No formula injection in the vendor's spreadsheet.
            text = str(value)
            return "'" + text if text[:1] in ("=", "+", "-", "@") else text

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["Your code", "Product", "Unit", *(f"Week of {d}" for d in starts)]
        )
        for row in rows:
            writer.writerow(
                [
                    cell(row["code"]),
                    cell(row["name"]),
                    cell(row["uom"]),
                    *(f"{q:g}" for q in row["weeks"]),
                ]
            )
        return request.make_response(
            out.getvalue(),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", "attachment; filename=forecast.csv"),
            ],
        )
