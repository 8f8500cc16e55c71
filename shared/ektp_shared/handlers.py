"""The events a service consumes, each with the function that handles it.

A handler is a plain function ``handler(event, uow, context)``: it receives the validated event
(``event.data`` is loaded through the contract's schema), a unit of work already in a transaction, and the
service's context (its settings and the dependencies its spec declares, typed per service). It changes
state and emits events through the unit of work; it does not commit — the dispatcher commits the effect
together with the inbox row, then acknowledges the message.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .contracts import CloudEvent, Contract
from .uow import UnitOfWork

Handler = Callable[[CloudEvent, UnitOfWork, Any], None]


class Handlers:
    def __init__(self) -> None:
        self._by_type: dict[str, tuple[Contract, Handler]] = {}

    def on(self, contract: Contract) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if contract.type in self._by_type:
                raise ValueError(f"{contract.key} already has a handler")
            self._by_type[contract.type] = (contract, handler)
            return handler

        return register

    def get(self, event_type: str) -> tuple[Contract, Handler] | None:
        return self._by_type.get(event_type)

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_type))
