"""One service in a test, as its clients and the bus see it: ``ServiceHarness``.

It holds the service's migrated runtime and its API (Flask's test client), delivers real CloudEvents through
the service's own dispatcher (inbox, handler, outbox: what the worker does with a message), reads back what
the service emitted from its outbox, runs the events the service sends itself (say biometrics' ABIS
requests) as its worker would, and signs officers' development tokens. A service's tests subclass it for
their own verbs (``create``, ``claim`` ...).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from ..auth import issue_development_token
from ..bus.dispatcher import Decision, Dispatcher, Outcome
from ..bus.signatures import SIGNATURE_HEADER, EventSignatures
from ..contracts import CloudEvent, Contract, by_type
from ..contracts.envelope import TYPE_PREFIX
from ..service import Runtime
from ..web.app import create_app


def signed(envelope: dict[str, Any]) -> dict[str, str]:
    """The signature header a producer puts on ``envelope`` (its development key)."""
    contract = by_type(str(envelope.get("type")))
    if contract is None:
        return {}
    return {SIGNATURE_HEADER: EventSignatures.development(contract.producer).sign(envelope)}


class ServiceHarness:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.client = create_app(runtime).test_client()
        self.dispatcher = Dispatcher.of(runtime)
        self.handled: set[str] = set()

    @property
    def settings(self) -> Any:
        return self.runtime.settings

    # -- events in ----------------------------------------------------------------------------------
    def dispatch(self, envelope: dict[str, Any], headers: dict[str, Any] | None = None) -> Decision:
        """Deliver ``envelope`` signed by its contract's producer (development keys), unless ``headers`` say otherwise."""
        return self.dispatcher.dispatch(json.dumps(envelope).encode(), {**signed(envelope), **(headers or {})})

    def event(self, contract: Contract, data: dict[str, Any], *, time: dt.datetime | None = None,
              source: str = "/test") -> CloudEvent:
        """A valid event of ``contract`` (data as a producer would dump it), not yet delivered."""
        return CloudEvent.new(source=source, type=contract.type, data=contract.schema_instance.dump(data),
                              correlationid=str(data["application_id"]), time=time)

    def deliver(self, contract: Contract, data: dict[str, Any], *, time: dt.datetime | None = None,
                source: str = "/test", expect: Outcome | None = Outcome.HANDLED) -> CloudEvent:
        """Deliver an event; by default it must be handled (a failed or parked delivery fails the test)."""
        event = self.event(contract, data, time=time, source=source)
        decision = self.dispatch(event.to_dict())
        if expect is not None:
            assert decision.outcome is expect, decision
        return event

    # -- events out ---------------------------------------------------------------------------------
    def outbox(self) -> list[dict[str, Any]]:
        """Every envelope the service emitted, oldest first."""
        outbox = self.runtime.spec.messaging.outbox
        with self.runtime.engine.connect() as connection:
            return list(connection.execute(select(outbox.c.envelope).order_by(outbox.c.id)).scalars())

    def emitted(self, name: str, application_id: str | None = None) -> list[dict[str, Any]]:
        """The data of the emitted events named ``name`` (``application.submitted.v1`` or without the version)."""
        return [e["data"] for e in self.outbox()
                if (e["type"].endswith(f".{name}") or e["type"] == f"{TYPE_PREFIX}.{name}")
                and (application_id is None or e["correlationid"] == application_id)]

    def event_keys(self, application_id: str) -> list[str]:
        """The keys (``card.printed.v1`` ...) of what the service emitted about one application, in order."""
        return [e["type"].removeprefix(TYPE_PREFIX + ".") for e in self.outbox() if e["correlationid"] == application_id]

    def work(self) -> list[Decision]:
        """Handle the events the service sent itself, once each, as its worker would."""
        decisions = []
        while True:
            pending = [e for e in self.outbox() if e["id"] not in self.handled and self.runtime.spec.handlers.get(e["type"])]
            if not pending:
                return decisions
            for envelope in pending:
                self.handled.add(envelope["id"])
                decisions.append(self.dispatch(envelope))

    # -- officers -----------------------------------------------------------------------------------
    # The offices a token is for unless a test names others: the office the service's fixtures use.
    offices: tuple[str, ...] = ()

    def token(self, subject: str, *roles: str, offices: tuple[str, ...] | None = None, **claims: Any) -> dict[str, str]:
        """The Authorization header of a development officer token."""
        return {"Authorization": "Bearer " + issue_development_token(
            self.settings, subject, list(roles), offices=self.offices if offices is None else offices, **claims)}
