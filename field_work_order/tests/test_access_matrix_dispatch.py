"""The access matrix's rows of the dispatch board: a drop, suggestions, the board, a route."""

from .access_matrix import ACCESS, Call, action, allow, state_of


def _board_shows_c1(t, role, result):
    """The board holds the company's orders for its dispatcher, never for another company's."""
    shown = {block["id"] for row in result["technicians"] for block in row["orders"]}
    return (t.o_sched.id in shown) == (role == "D")


ROWS = [
    ("action_plan (draft, on its lead)", action(
        lambda t: t.o_draft, "action_plan",
        args=lambda t: [t.tech_a.id, "2030-01-14 10:00:00", "2030-01-14 12:00:00"],
        observe=state_of(lambda t: t.o_draft), expect=("scheduled",),
    ), allow("D")),
    ("action_suggest_slots (draft)", Call(
        "field.work.order", "action_suggest_slots",
        lambda t: [[t.o_draft.id], "2030-01-14 00:00:00", "2030-01-16 00:00:00"],
        check=lambda t, role, result: isinstance(result, list), names=("dispatcher",),
    ), allow("D")),
    ("get_dispatch_board (a week)", Call(
        "field.work.order", "get_dispatch_board", ["2030-01-13 00:00:00", "2030-01-20 00:00:00"],
        check=_board_shows_c1, names=("dispatcher",),
    ), allow("D", "D2")),
    ("get_route (the lead's day)", Call(
        "field.work.order", "get_route", lambda t: [t.tech_a.id, "2030-01-15"],
        check=lambda t, role, result: len(result["stops"]) >= 1, names=("dispatcher",),
        refusals=(*ACCESS, "UserError"),
    ), allow("A", "D")),
]

