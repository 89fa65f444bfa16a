"""The customer's side of quotes: the e-mail offering them, the answer on the portal, the PDF.

The customer answers on the order's portal page, logged in as a portal user
of the order's customer or with the order's link (its ``access_token``).
Portal users have no rights on quotes: the portal's routes call
``_fwo_approve_as_customer`` / ``_fwo_decline_as_customer``, which check the
visitor here, then run the quote's own approval or decline (``_fwo_approve``,
``_fwo_decline``, the code of ``action_approve`` / ``action_decline``) as the
application, and tell the order's dispatcher and technicians.
"""

from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import consteq

from .field_work_order import OPEN_STATES

#: Quotes the customer sees on the portal: a draft is not offered yet.
SHOWN_STATES = ("sent", "approved", "declined", "expired")


class FieldWorkOrderQuotePortal(models.Model):
    _inherit = "field.work.order.quote"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name

    # ------------------------------------------------------------------
    # The offer: an e-mail with the link to the order's page
    # ------------------------------------------------------------------
    def _fwo_email_customer(self):
        """E-mail each sent quote's customer the link to answer it (template "Quote Sent").

        Queued, and posted in the quote's history; nothing for a customer without an e-mail.
        """
        template = self.env.ref("field_work_order.mail_template_quote_sent", raise_if_not_found=False)
        if not template:
            return
        for quote in self:
            if not quote.partner_id.email_normalized:
                continue
            # sudo: the link's token is the order's own key, made once (the sender may
            # not write the order's technical fields).
            quote.work_order_id.sudo()._portal_ensure_token()
            quote.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                email_layout_xmlid="mail.mail_notification_light",
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------------
    # The answer on the portal
    # ------------------------------------------------------------------
    def _fwo_check_customer(self, access_token):
        """Refuse anyone but the order's customer: a portal user of the customer (commercial
        entity), or a visitor (not logged in) holding the order's link.

        Internal users answer with ``action_approve`` / ``action_decline`` (the
        order's technicians and dispatchers). Returns the quote with sudo.
        """
        self.ensure_one()
        quote = self.sudo()
        order = quote.work_order_id
        user = self.env.user
        refused = AccessError(self.env._("This quote does not exist or the link is not valid."))
        if quote.state not in SHOWN_STATES or not order:
            raise refused
        if not user.share:
            raise AccessError(self.env._(
                "The portal's approval is the customer's: the order's technicians and dispatchers "
                "record the customer's answer on the quote's form or in the app.",
            ))
        if user._is_public():
            token = order.access_token
            if not (isinstance(access_token, str) and token and consteq(token, access_token)):
                raise refused
            return quote
        if not order.with_user(user).has_access("read") or (
            user.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id
        ):
            raise refused
        return quote

    def _fwo_customer_author(self):
        """The partner who answered: the portal user's, or the order's customer for a link."""
        user = self.env.user
        return self.sudo().partner_id if user._is_public() else user.partner_id

    def _fwo_approve_as_customer(self, option_id, signature, signer_name, access_token=None):
        """The customer approves ``option_id`` with their signature on the portal."""
        quote = self._fwo_check_one(self.env._("approve"))._fwo_check_customer(access_token)
        already = quote.state == "approved"
        quote._fwo_approve(option_id, signature, signer_name)
        if not already:
            quote._fwo_notify_answer(self._fwo_customer_author())
        return True

    def _fwo_decline_as_customer(self, reason, access_token=None):
        """The customer refuses every option of the quote on the portal, with a reason."""
        quote = self._fwo_check_one(self.env._("decline"))._fwo_check_customer(access_token)
        already = quote.state == "declined"
        quote._fwo_decline(reason)
        if not already:
            quote._fwo_notify_answer(self._fwo_customer_author())
        return True

    def _fwo_notify_answer(self, author):
        """Tell the order's technicians and its dispatcher(s) the customer's answer.

        A note on the order addressed to them (their inbox or e-mail, as each
        prefers); the app shows the quote's new state at the next sync and the
        dispatch board re-reads the order.
        """
        self.ensure_one()
        order = self.work_order_id
        if self.state == "approved":
            body = self.env._(
                "%(customer)s approved %(quote)s on the portal: option %(option)s, "
                "%(amount)s %(currency)s with taxes, signed by %(signer)s.",
                customer=author.name, quote=self.name, option=self.approved_option_id.name,
                amount=self.approved_option_id.amount_total, currency=self.currency_id.name,
                signer=self.signer_name,
            )
        else:
            body = self.env._(
                "%(customer)s declined %(quote)s on the portal: %(reason)s",
                customer=author.name, quote=self.name, reason=self.decline_reason,
            )
        users = order.technician_ids | order._fwo_quote_dispatchers()
        order.message_post(
            body=Markup("<p>%s</p>") % escape(body), author_id=author.id,
            partner_ids=users.partner_id.ids, message_type="comment", subtype_xmlid="mail.mt_note",
        )
        order._notify_dispatchers()

    def _fwo_portal_can_answer(self):
        """Whether the portal offers Approve and Decline: sent, valid, its order still to do."""
        self.ensure_one()
        return (
            self.state == "sent"
            and not (self.validity_date and self.validity_date < fields.Date.context_today(self))
            and self.work_order_id.state in OPEN_STATES
        )
