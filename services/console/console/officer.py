"""The officer signed in to this browser: the access token in the session cookie, read on every request the way
the services read it (ektp_shared.auth), so the console shows exactly the desks and offices the services allow.
A development sign-in is marked in the session and on every page."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jwt
from flask import current_app, g, request, session
from werkzeug.exceptions import Forbidden

from ektp_shared.auth import Principal


class NotSignedIn(Exception):
    pass


def current() -> Principal | None:
    """The officer of this request, or None (no session, or the token has lapsed or does not verify)."""
    if "officer" in g:
        return g.officer
    token = session.get("token")
    officer = None
    if token:
        try:
            officer = current_app.extensions["console_tokens"]().verify(token)
        except (jwt.PyJWTError, ValueError):
            session.pop("token", None)
    g.officer = officer
    return officer


def development() -> bool:
    return bool(session.get("development"))


def token() -> str:
    return session["token"]


def sign_in(access_token: str, id_token: str | None, development: bool) -> None:
    language = session.get("language")
    session.clear()
    session.update(token=access_token, development=development)
    if id_token:
        session["id_token"] = id_token
    if language:
        session["language"] = language
    session.permanent = True


def required(*roles: str) -> Callable:
    """The page needs a signed-in officer (with one of ``roles``, ``admin`` holding them all)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            officer = current()
            if officer is None:
                from .pages.signing_in import sign_in_first

                return sign_in_first(request.full_path if request.method == "GET" else None)
            if roles and not officer.roles & (set(roles) | {"admin"}):
                raise Forbidden()
            return view(*args, **kwargs)

        return guarded

    return decorate


def may(*roles: str) -> bool:
    """The signed-in officer holds one of ``roles`` (``admin`` holds them all)."""
    me = current()
    return me is not None and bool(me.roles & (set(roles) | {"admin"}))
