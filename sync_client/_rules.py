"""The server's rules (``sync_reference()["rules"]``), read instead of copied.

The state machine, the fields a ``set`` may change and the limits of the
operations' values are declared once on the server; the client checks queued
operations against the last table it received, so a server that changes them
changes what the client accepts without a new client release.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ._exceptions import ServerError


@dataclass(frozen=True)
class Transition:
    """One transition: the states it runs from, the state it leads to (``None``: unchanged)."""

    name: str
    sources: tuple[str, ...]
    target: str | None
    sync: bool


@dataclass(frozen=True)
class Rules:
    """What the server accepts, as parsed from its ``rules``; ``raw`` is kept in the store."""

    states: tuple[str, ...]
    transitions: Mapping[str, Transition]
    set_fields: tuple[str, ...]
    photo_kinds: tuple[str, ...]
    max_text: int
    max_quantity: float
    clock_skew: timedelta
    raw: Mapping[str, Any]
    # Servers before quotes and payments publish none of these: their values then.
    quote_options: int = 3
    quote_lines: int = 50
    payment_methods: tuple[str, ...] = ("cash", "cheque")
    # Servers before equipment publish no list of operation types: () means "not told".
    operation_types: tuple[str, ...] = ()

    @classmethod
    def from_server(cls, raw: Any) -> Rules:
        """Check the shape of what the server sent; :class:`ServerError` if it is not usable."""
        try:
            transitions = {
                str(name): Transition(
                    name=str(name),
                    sources=_texts(rule["from"]),
                    target=rule["to"] or None,
                    sync=bool(rule["sync"]),
                )
                for name, rule in raw["transitions"].items()
            }
            if not all(t.target is None or isinstance(t.target, str) for t in transitions.values()):
                raise TypeError("a transition leads to something that is not a state")
            limits = raw["limits"]
            rules = cls(
                states=tuple(_texts([state["value"] for state in raw["states"]])),
                transitions=transitions,
                set_fields=_texts(raw["set_fields"]),
                photo_kinds=_texts(raw["photo_kinds"]),
                max_text=_number(limits["max_text"], int),
                max_quantity=float(_number(limits["max_quantity"], float)),
                clock_skew=timedelta(seconds=_number(limits["clock_skew_seconds"], int)),
                raw=json.loads(json.dumps(raw)),
                quote_options=_number(limits.get("quote_options", 3), int),
                quote_lines=_number(limits.get("quote_lines", 50), int),
                payment_methods=_texts(raw.get("payment_methods", ["cash", "cheque"])),
                operation_types=_texts(raw.get("operation_types", [])),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ServerError(
                f"the server sent no usable rules in sync_reference ({exc!r}): is the "
                "field_work_order_mobile module installed and up to date on the server?"
            ) from None
        return rules

    def sync_transition(self, name: str) -> Transition | None:
        """The transition a device may push as an operation of that name, if any."""
        rule = self.transitions.get(name)
        return rule if rule is not None and rule.sync else None

    def takes(self, op_type: str) -> bool:
        """Whether the server takes operations of that type (unknown on older servers: yes)."""
        return not self.operation_types or op_type in self.operation_types

    def sync_transitions(self) -> list[str]:
        """The transitions a device may queue, by name."""
        return [name for name, rule in self.transitions.items() if rule.sync]


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"expected a list of texts, got {values!r}")
    return tuple(values)


def _number(value: Any, kind: type[int] | type[float]) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise TypeError(f"expected a number of at least 0, got {value!r}")
    return kind(value)
