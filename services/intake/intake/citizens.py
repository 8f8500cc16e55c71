"""Use cases of citizen access: send a one-time code to an address, turn a right code into a sign-in (or add
the address to one), recognise a sign-in by its token and renew it, sign out, and decide whose applications a
sign-in reaches. Rules: rules/citizen_access.py.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select

from ektp_shared.contracts.intake import CITIZEN_CODE_REQUESTED
from ektp_shared.db import new_id
from ektp_shared.identity.contact import SMS, InvalidAddress, normalised
from ektp_shared.refusal import Refused, Why
from ektp_shared.uow import UnitOfWork

from .context import IntakeContext
from .models import Application, CitizenCode, CitizenSession
from .rules import citizen_access
from .rules.citizen_access import Citizen

# What every failed code entry says, whatever failed (no such request, another NIK, spent, expired, wrong code).
WRONG_CODE = "the code is wrong or no longer valid; ask for a new one"


def _field(channel: str) -> str:
    return "phone" if channel == SMS else "email"


def request_code(uow: UnitOfWork, context: IntakeContext, nik: str, channel: str, address: str, language: str,
                 now: dt.datetime, session: CitizenSession | None = None) -> CitizenCode:
    """A code for ``address``, sent by notify; its request id is what the code is entered against. The answer
    is the same whether or not the NIK has applications: it reveals nothing about them."""
    try:
        address = normalised(channel, address)
    except InvalidAddress as exc:
        raise Refused("address_invalid", f"{exc}: give a mobile number or an email address that can receive a code",
                      field=_field(channel)) from exc
    settings, address_key = context.settings, context.address_key(channel, address)
    last = uow.session.scalar(select(func.max(CitizenCode.created_at)).where(CitizenCode.address_key == address_key))
    later = citizen_access.may_send_again(last, now, settings.code_resend_seconds)
    if later is not None:
        seconds = int((later - now).total_seconds()) + 1
        raise Refused("code.too_soon", f"a code was sent to this address a moment ago; ask again in {seconds} s",
                      field=_field(channel), why=Why.TOO_MANY, details={"retry_after": seconds})
    request_id, code = new_id(), citizen_access.new_code()
    expires_at = now + dt.timedelta(seconds=settings.code_seconds)
    requested = CitizenCode(
        id=request_id, nik_hash=context.lookup_hash(nik), address_key=address_key, channel=channel,
        code_hash=citizen_access.code_hash(settings.lookup_key.encode(), request_id, code),
        session_hash=None if session is None else session.token_hash, created_at=now, expires_at=expires_at,
        tries_left=settings.code_tries)
    uow.session.add(requested)
    uow.emit(CITIZEN_CODE_REQUESTED, {"request_id": request_id, "channel": channel, "address": address, "code": code,
                                      "expires_at": expires_at, "language": language}, correlation_id=request_id)
    return requested


def sign_in(uow: UnitOfWork, context: IntakeContext, request_id: str, nik: str, code: str,
            now: dt.datetime) -> tuple[str, CitizenSession]:
    """A right code, within its time and tries, for the NIK it was asked for: a new sign-in and its token."""
    found = _spend(uow, context, request_id, context.lookup_hash(nik), code, now)
    token = citizen_access.new_token()
    ends_at = now + dt.timedelta(seconds=context.settings.session_max_seconds)
    session = CitizenSession(token_hash=context.lookup_hash(token), nik_hash=found.nik_hash,
                             address_keys=[found.address_key], created_at=now, last_seen_at=now, ends_at=ends_at,
                             expires_at=citizen_access.session_expiry(now, ends_at, context.settings.session_idle_seconds))
    uow.session.add(session)
    return token, session


def add_address(uow: UnitOfWork, context: IntakeContext, session: CitizenSession, request_id: str, code: str,
                now: dt.datetime) -> None:
    """A right code asked for while signed in: its address joins the sign-in (to add an email, or a new number)."""
    found = _spend(uow, context, request_id, session.nik_hash, code, now)
    if found.session_hash != session.token_hash:
        raise Refused("code.wrong", WRONG_CODE, field="code")
    session.address_keys = sorted({*session.address_keys, found.address_key})


def _spend(uow: UnitOfWork, context: IntakeContext, request_id: str, nik_hash: str, code: str,
           now: dt.datetime) -> CitizenCode:
    found = uow.session.get(CitizenCode, request_id, with_for_update=True)
    usable = (found is not None and found.nik_hash == nik_hash and found.used_at is None and found.tries_left > 0
              and found.expires_at > now)
    if not usable:
        raise Refused("code.wrong", WRONG_CODE, field="code")
    if not citizen_access.code_matches(context.settings.lookup_key.encode(), request_id, code, found.code_hash):
        found.tries_left -= 1
        uow.commit()  # a wrong try counts even though the request is refused
        raise Refused("code.wrong", WRONG_CODE, field="code", details={"tries_left": found.tries_left})
    found.used_at = now
    return found


def authenticate(uow: UnitOfWork, context: IntakeContext, token: str | None, now: dt.datetime) -> CitizenSession:
    """The sign-in of a bearer token, renewed; 401 when there is none, it lapsed or was signed out."""
    if not token:
        raise Refused("unauthenticated", "sign in with a one-time code first (a citizen's bearer token is required)",
                      field="Authorization", location="headers", why=Why.UNAUTHENTICATED)
    session = uow.session.get(CitizenSession, context.lookup_hash(token))
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise Refused("unauthenticated", "the sign-in has ended; sign in again with a new code", field="Authorization",
                      location="headers", why=Why.UNAUTHENTICATED)
    session.last_seen_at = now
    session.expires_at = citizen_access.session_expiry(now, session.ends_at, context.settings.session_idle_seconds)
    return session


def citizen(session: CitizenSession) -> Citizen:
    return Citizen(session.nik_hash, frozenset(session.address_keys))


def sign_out(session: CitizenSession, now: dt.datetime) -> None:
    session.revoked_at = now


def owns(context: IntakeContext, who: Citizen, application: Application) -> bool:
    return citizen_access.owns(who, application.nik_hash, citizen_access.contact_keys(application.contact,
                                                                                       context.address_key))


def applications_of(uow: UnitOfWork, context: IntakeContext, who: Citizen) -> list[Application]:
    """The signed-in citizen's applications, newest first."""
    under_nik = uow.session.scalars(select(Application).where(Application.nik_hash == who.nik_hash)
                                    .order_by(Application.created_at.desc()))
    return [application for application in under_nik if owns(context, who, application)]


def forget_ended(uow: UnitOfWork, now: dt.datetime, after_seconds: int) -> None:
    """Codes and sign-ins that ended long ago are deleted."""
    cutoff = now - dt.timedelta(seconds=after_seconds)
    uow.session.execute(delete(CitizenCode).where(CitizenCode.expires_at < cutoff))
    uow.session.execute(delete(CitizenSession).where(CitizenSession.expires_at < cutoff))


def require_entitled(context: IntakeContext, who: Citizen, body: dict) -> None:
    """A draft (or its change) is for the signed-in NIK (a child's card: the applying parent's), and reaches only
    addresses this sign-in proved: nobody opens a draft under another person's NIK, and no message of it goes to
    an address nobody proved."""
    field = "parent.nik" if body.get("parent") else "applicant.nik"
    nik = body["parent"]["nik"] if body.get("parent") else body["applicant"]["nik"]
    if context.lookup_hash(nik) != who.nik_hash:
        raise Refused("citizen.other_nik", "you are signed in for another NIK; sign in with this one",
                      field=field, why=Why.FORBIDDEN)
    unproven = citizen_access.unproven_addresses(who, body["contact"], context.address_key)
    if unproven:
        raise Refused("contact.unproven", f"prove this {unproven[0]} with a one-time code before giving it",
                      field=f"contact.{unproven[0]}", why=Why.FORBIDDEN)
