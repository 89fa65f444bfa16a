from odoo import models

from .field_work_order import BUS_SUBCHANNEL


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """Subscribe dispatchers to their companies' work order channel.

        The channel is a (company, name) pair built here on the server: a
        client can only ask for plain strings, so no one else can join it.
        """
        channels = super()._build_bus_channel_list(channels)
        user = self.env.user
        if user and user.has_group("field_work_order.group_dispatcher"):
            channels.extend((company, BUS_SUBCHANNEL) for company in user.company_ids)
        return channels
