"""The printer fleet: printers by office, their last reported status, and rotation.

An office prints on its own printers; an office without any prints on the shared fleet (office "*",
from the printer_uri setting). A printer that fails a job, or whose status blocks printing, leaves
rotation and the office's next card goes to another of its printers; the status poll brings it back
once it reports ready, unless an operator holds it out.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select

from ektp_shared.db import new_id
from ektp_shared.refusal import Refused, not_found
from ektp_shared.uow import UnitOfWork

from .drivers import BLOCKING, DRIVERS, PrinterStatus
from .models import Printer
from .rules import rotation

SHARED = "*"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


def check_uri(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme not in DRIVERS or not parts.hostname:
        raise Refused("validation_failed", f"uri: expected one of {', '.join(sorted(DRIVERS))}://host[:port][/path]",
                      field="uri")
    return uri


def public_uri(uri: str) -> str:
    """The URI without credentials, for APIs and logs."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def register(uow: UnitOfWork, name: str, office_code: str, uri: str, now: dt.datetime) -> Printer:
    """Add a printer, or move/re-point an existing one (its rotation state is kept)."""
    if not NAME.match(name):
        raise Refused("validation_failed", "name: lower-case letters, digits and dashes", field="name", location="path")
    check_uri(uri)
    printer = uow.session.scalar(select(Printer).where(Printer.name == name))
    if printer is None:
        printer = Printer(id=new_id(), name=name, in_rotation=True, held_by_operator=False, created_at=now)
        uow.session.add(printer)
    printer.office_code, printer.uri, printer.updated_at = office_code, uri, now
    uow.session.flush()
    return printer


def sync_shared(uow: UnitOfWork, uris: list[str], now: dt.datetime) -> list[Printer]:
    """The shared fleet as configured: shared-1 .. shared-n, in the order of the setting."""
    return [register(uow, f"shared-{index}", SHARED, uri, now) for index, uri in enumerate(uris, start=1)]


def all_printers(uow: UnitOfWork) -> list[Printer]:
    return list(uow.session.scalars(select(Printer).order_by(Printer.office_code, Printer.name)))


def by_name(uow: UnitOfWork, name: str) -> Printer:
    printer = uow.session.scalar(select(Printer).where(Printer.name == name))
    if printer is None:
        raise not_found("not_found", "no printer has this name", field="name", location="path")
    return printer


def serving(uow: UnitOfWork, office_code: str) -> list[Printer]:
    own = list(uow.session.scalars(select(Printer).where(Printer.office_code == office_code)))
    return own or list(uow.session.scalars(select(Printer).where(Printer.office_code == SHARED)))


def choose(uow: UnitOfWork, office_code: str) -> Printer | None:
    printers = {p.id: p for p in serving(uow, office_code)}
    chosen = rotation.choose([rotation.Candidate(p.id, p.in_rotation, p.last_used_at) for p in printers.values()])
    return printers.get(chosen) if chosen else None


def take_out(printer: Printer, reason: str, now: dt.datetime) -> None:
    printer.in_rotation, printer.out_reason, printer.updated_at = False, reason[:200], now


def record_status(printer: Printer, status: PrinterStatus, now: dt.datetime) -> None:
    printer.online = status.online
    printer.conditions = rotation.describe(status.conditions) if status.conditions else None
    printer.ribbon_remaining, printer.cards_in_feeder = status.ribbon_remaining, status.cards_in_feeder
    printer.polled_at = now
    verdict = rotation.judge(status, printer.held_by_operator, printer.out_reason)
    printer.in_rotation, printer.out_reason = verdict.in_rotation, verdict.reason
    printer.updated_at = now


def hold(printer: Printer, in_rotation: bool, reason: str, now: dt.datetime) -> None:
    """An operator's decision: hold a printer out (maintenance), or release it to the status poll."""
    printer.held_by_operator = not in_rotation
    if in_rotation:
        printer.out_reason = None
        blocking = {c for c in (printer.conditions or "").split(",") if c in BLOCKING}
        printer.in_rotation = printer.online is not False and not blocking
    else:
        printer.in_rotation, printer.out_reason = False, f"held by an operator: {reason}"[:200]
    printer.updated_at = now
