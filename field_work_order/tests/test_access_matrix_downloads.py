"""The access matrix's rows of the printed reports and downloads, through a web session."""

from .access_matrix import (
    READERS,
    Http,
    allow,
    content_bytes,
    report,
)

ROWS = [
    # --- HTTP: printed reports and downloads ---------------------------------
    ("GET service report PDF (done)", Http(report("report_work_order_service")), allow(*READERS)),
    ("GET work order sheet PDF (done)", Http(report("report_work_order_sheet")), allow(*READERS)),
    ("GET /web/image photo", Http(
        lambda t: f"/web/image/field.work.order.photo/{t.photo.id}/image",
        content_bytes(lambda t: t.photo, "image")), allow(*READERS)),
    ("GET /web/content photo", Http(
        lambda t: f"/web/content/field.work.order.photo/{t.photo.id}/image",
        content_bytes(lambda t: t.photo, "image")), allow(*READERS)),
    ("GET /web/image signature", Http(
        lambda t: f"/web/image/field.work.order/{t.o_done.id}/signature",
        content_bytes(lambda t: t.o_done, "signature")), allow(*READERS)),
    ("GET /web/content signature", Http(
        lambda t: f"/web/content/field.work.order/{t.o_done.id}/signature",
        content_bytes(lambda t: t.o_done, "signature")), allow(*READERS)),
]

