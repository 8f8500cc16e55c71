"""Who is in front of the portal: the sign-in kept in the session cookie (signed, HttpOnly, SameSite=Lax).

It holds intake's bearer token, the NIK it was given for, the addresses proven with codes, and a pending code
request. The token is the citizen's own; intake decides what it reaches and when it lapses.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, request, session, url_for

from ektp_shared.identity.contact import InvalidAddress, normalised

from .intake import Calls

KEPT_ON_SIGN_OUT = ("language",)


def intake() -> Calls:
    """Intake's API for this request: the citizen's address, and their token when signed in."""
    return current_app.extensions["portal_intake"].on_behalf(request.remote_addr, session.get("token"))


def signed_in() -> bool:
    return bool(session.get("token"))


def nik() -> str | None:
    return session.get("nik")


def start(token: str, nik_: str, channel: str, address: str, expires_at: str) -> None:
    kept = {key: session[key] for key in KEPT_ON_SIGN_OUT if key in session}
    session.clear()
    session.update(kept, token=token, nik=nik_, proven=[_key(channel, address)], addresses={channel: address},
                   expires_at=expires_at)
    session.permanent = True


def renewed(expires_at: str) -> None:
    session["expires_at"] = expires_at


def prove(channel: str, address: str) -> None:
    session["proven"] = sorted({*session.get("proven", []), _key(channel, address)})
    session["addresses"] = {**session.get("addresses", {}), channel: address}


def proven(channel: str, address: str) -> bool:
    try:
        return _key(channel, address) in session.get("proven", [])
    except InvalidAddress:
        return False


def forget() -> None:
    kept = {key: session[key] for key in KEPT_ON_SIGN_OUT if key in session}
    session.clear()
    session.update(kept)


SIGN_IN, ADD_ADDRESS = "sign_in", "add_address"


def remember_code(request_id: str, nik_: str, channel: str, address: str, sent_to: str, purpose: str,
                  next_page: str) -> None:
    """The code request the code page completes: signing in, or adding an address to the sign-in."""
    session["code"] = {"request_id": request_id, "nik": nik_, "channel": channel, "address": address,
                       "sent_to": sent_to, "purpose": purpose, "next": next_page}


def pending_code() -> dict[str, Any] | None:
    return session.get("code")


def code_used() -> None:
    session.pop("code", None)


def addresses() -> dict[str, str]:
    """The addresses proven in this sign-in, as the citizen wrote them (to fill in the contact fields)."""
    return dict(session.get("addresses", {}))


def _key(channel: str, address: str) -> str:
    return f"{channel}:{normalised(channel, address)}"


def safe_next(target: str | None, default: str) -> str:
    """Only a path of this site: a link must not send a citizen elsewhere after signing in."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages of a signed-in citizen: others go to the sign-in page first, and come back."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not signed_in():
            return redirect(url_for("signing_in.start", next=request.path))
        return view(*args, **kwargs)

    return guarded
