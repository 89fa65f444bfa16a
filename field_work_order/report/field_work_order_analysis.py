from odoo import fields, models, tools
from odoo.tools import SQL


class FieldWorkOrderAnalysis(models.Model):
    """One row per work order with the numbers a service manager runs the business on.

    A PostgreSQL view, so pivot and graph aggregate in the database over any
    history instead of computing fields record by record.
    """

    _name = "field.work.order.analysis"
    _description = "Work Order Analysis"
    _auto = False
    _rec_name = "name"
    _order = "date_completed desc, id desc"

    name = fields.Char(string="Reference", readonly=True)
    work_order_id = fields.Many2one("field.work.order", string="Work Order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    service_partner_id = fields.Many2one("res.partner", string="Service Address", readonly=True)
    job_type_id = fields.Many2one("field.work.order.job.type", string="Job Type", readonly=True)
    user_id = fields.Many2one("res.users", string="Lead Technician", readonly=True)
    subcontractor_id = fields.Many2one("res.partner", string="Subcontractor", readonly=True)
    parent_id = fields.Many2one("field.work.order", string="Follow-up Of", readonly=True)
    state = fields.Selection(
        lambda self: self.env["field.work.order"]._fields["state"]._description_selection(self.env),
        readonly=True,
    )
    priority = fields.Selection(
        lambda self: self.env["field.work.order"]._fields["priority"]._description_selection(
            self.env
        ),
        readonly=True,
    )
    date_requested = fields.Datetime(string="Requested On", readonly=True)
    scheduled_start = fields.Datetime(readonly=True)
    deadline = fields.Datetime(readonly=True)
    date_completed = fields.Datetime(string="Completed On", readonly=True)

    planned_hours = fields.Float(
        string="Planned Hours", readonly=True, help="Length of the scheduled slot."
    )
    labor_hours = fields.Float(
        readonly=True, help="Hours booked by the technicians (labor lines)."
    )
    time_on_site = fields.Float(
        string="Time on Site (h)", readonly=True, aggregator="avg",
        help="Hours from start to completion of the order, pauses included.",
    )
    days_to_complete = fields.Float(
        string="Days to Complete", readonly=True, aggregator="avg",
        help="Days from the request (creation of the order) to its completion.",
    )
    late = fields.Integer(
        string="Late", readonly=True,
        help="1 when the order was completed after its deadline, or is still open past it.",
    )
    first_time_fix = fields.Float(
        string="First-Time Fix (%)", readonly=True, aggregator="avg",
        help="For completed orders: 100 when fixed at the first visit, 0 when a follow-up order "
        "was created or another order for the same address and job type was requested within "
        "the window set in the Field Service settings. Empty for orders not completed, so the "
        "average is the first-time fix rate.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    material_cost = fields.Monetary(
        readonly=True, help="Quantity used x product cost recorded on each material line."
    )
    invoiced_amount = fields.Monetary(
        readonly=True,
        help="Untaxed amount of the customer invoices (not cancelled) of the order, minus their "
        "credit notes, in the company currency. An invoice covering several orders is split "
        "evenly between them.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %s AS (
            SELECT
                wo.id AS id,
                wo.id AS work_order_id,
                wo.name AS name,
                wo.company_id AS company_id,
                wo.partner_id AS partner_id,
                wo.service_partner_id AS service_partner_id,
                wo.job_type_id AS job_type_id,
                wo.user_id AS user_id,
                wo.subcontractor_id AS subcontractor_id,
                wo.parent_id AS parent_id,
                wo.state AS state,
                wo.priority AS priority,
                wo.create_date AS date_requested,
                wo.scheduled_start AS scheduled_start,
                wo.deadline AS deadline,
                wo.date_completed AS date_completed,
                EXTRACT(EPOCH FROM wo.scheduled_end - wo.scheduled_start) / 3600.0 AS planned_hours,
                COALESCE(labor.hours, 0.0) AS labor_hours,
                EXTRACT(EPOCH FROM wo.date_completed - wo.date_started) / 3600.0 AS time_on_site,
                EXTRACT(EPOCH FROM wo.date_completed - wo.create_date) / 86400.0 AS days_to_complete,
                CASE WHEN wo.deadline IS NOT NULL AND wo.state != 'cancelled'
                      AND COALESCE(wo.date_completed, NOW() AT TIME ZONE 'UTC') > wo.deadline
                     THEN 1 ELSE 0 END AS late,
                CASE WHEN wo.state NOT IN ('done', 'verified') OR wo.date_completed IS NULL THEN NULL
                     WHEN EXISTS (
                         SELECT 1 FROM field_work_order callback
                          WHERE callback.id != wo.id
                            AND callback.state != 'cancelled'
                            AND (
                                callback.parent_id = wo.id
                                OR (callback.service_partner_id = wo.service_partner_id
                                    AND callback.job_type_id IS NOT DISTINCT FROM wo.job_type_id
                                    AND callback.create_date > wo.date_completed
                                    AND callback.create_date <= wo.date_completed
                                        + make_interval(days => GREATEST(COALESCE(company.fwo_first_fix_days, 0), 0)))
                            )
                     ) THEN 0.0
                     ELSE 100.0 END AS first_time_fix,
                company.currency_id AS currency_id,
                COALESCE(material.cost, 0.0) AS material_cost,
                COALESCE(invoiced.amount, 0.0) AS invoiced_amount
            FROM field_work_order wo
            JOIN res_company company ON company.id = wo.company_id
            LEFT JOIN (
                SELECT work_order_id, SUM(duration) AS hours
                  FROM field_work_order_labor
                 GROUP BY work_order_id
            ) labor ON labor.work_order_id = wo.id
            LEFT JOIN (
                SELECT work_order_id, SUM(cost) AS cost
                  FROM field_work_order_material
                 GROUP BY work_order_id
            ) material ON material.work_order_id = wo.id
            LEFT JOIN (
                SELECT rel.work_order_id, SUM(invoice.untaxed / invoice.order_count) AS amount
                  FROM field_work_order_account_move_rel rel
                  JOIN (
                      SELECT move.id AS move_id,
                             move.amount_untaxed_signed + COALESCE((
                                 SELECT SUM(refund.amount_untaxed_signed)
                                   FROM account_move refund
                                  WHERE refund.reversed_entry_id = move.id
                                    AND refund.move_type = 'out_refund'
                                    AND refund.state != 'cancel'
                             ), 0.0) AS untaxed,
                             (SELECT COUNT(*) FROM field_work_order_account_move_rel covered
                               WHERE covered.move_id = move.id) AS order_count
                        FROM account_move move
                       WHERE move.move_type = 'out_invoice' AND move.state != 'cancel'
                  ) invoice ON invoice.move_id = rel.move_id
                 GROUP BY rel.work_order_id
            ) invoiced ON invoiced.work_order_id = wo.id
            WHERE wo.active
            )
            """,
            SQL.identifier(self._table),
        ))
