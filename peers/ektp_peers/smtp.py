"""A real SMTP server for tests: aiosmtpd in a thread that keeps every message it receives.

It speaks plain SMTP, STARTTLS or implicit TLS (with a throw-away CA from trustme, whose certificate
file clients are given), can require AUTH, and can be told to refuse messages at RCPT or DATA with a
reply of the test's choosing.

    with SmtpSink(tls="starttls", credentials=("notify", "secret")) as sink:
        ... send to sink.host, sink.port, trusting sink.ca_file ...
        [mail] = sink.wait_for(1)
        mail.message["Subject"], mail.rcpt_tos, mail.secure, mail.login

aiosmtpd 1.4.6 cannot start on port 0 (its readiness check connects to the port it was given), so a
free port is picked first.
"""
from __future__ import annotations

import dataclasses
import email
import email.message
import email.policy
import shutil
import ssl
import tempfile
import threading
import time
import warnings
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from ektp_shared.testing.ports import free_port

TLS_MODES = ("none", "starttls", "implicit")



@dataclasses.dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    secure: bool  # the session was encrypted (STARTTLS or implicit TLS)
    login: str | None  # the AUTH user, None without AUTH

    @property
    def message(self) -> email.message.EmailMessage:
        """The parsed message, with line ends as a mail client shows them (LF, not the wire's CRLF)."""
        return email.message_from_bytes(self.content.replace(b"\r\n", b"\n"), policy=email.policy.default)  # type: ignore[return-value]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.sink._refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self.sink._refusal("DATA")
        if refusal:
            return refusal
        self.sink._keep(
            ReceivedMail(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                content=envelope.original_content or envelope.content,
                secure=server.transport.get_extra_info("ssl_object") is not None,
                login=session.auth_data if session.authenticated else None,
            )
        )
        return "250 OK queued"


class SmtpSink:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        tls: str = "none",
        credentials: tuple[str, str] | None = None,
    ) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"tls must be one of {TLS_MODES}")
        self.host = host
        self.port = port or free_port()
        self.tls = tls
        self.credentials = credentials
        self.ca_file: str | None = None  # PEM of the CA that signed the server certificate (TLS modes)
        self._messages: list[ReceivedMail] = []
        self._refusals: list[tuple[str, str, int | None]] = []  # (stage, reply, remaining or None = always)
        self._lock = threading.Condition()
        self._folder: str | None = None
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._messages)

    def refuse(self, reply: str = "451 4.3.0 Try again later", *, at: str = "DATA", times: int | None = None) -> None:
        """Answer RCPT or DATA with `reply` (the next `times` messages, or until `accept()`)."""
        if at not in ("RCPT", "DATA"):
            raise ValueError("at must be RCPT or DATA")
        with self._lock:
            self._refusals.append((at, reply, times))

    def accept(self) -> None:
        with self._lock:
            self._refusals.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """The first `count` messages, waiting for them to arrive; AssertionError after the timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} messages, received {len(self._messages)}")
                self._lock.wait(remaining)
            return self._messages[:count]

    def start(self) -> SmtpSink:
        kwargs: dict = {}
        if self.tls != "none":
            self._folder = tempfile.mkdtemp(prefix="smtp-sink-")
            context = self._server_tls()
            if self.tls == "implicit":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if self.credentials:
            # aiosmtpd only counts STARTTLS as TLS for AUTH; on an implicit-TLS listener every session is TLS.
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=self.tls != "implicit")
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning, "aiosmtpd.smtp")
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _server_tls(self) -> ssl.SSLContext:
        authority = trustme.CA()
        certificate = authority.issue_cert(self.host, "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(context)
        assert self._folder is not None
        self.ca_file = str(Path(self._folder) / "ca.pem")
        authority.cert_pem.write_to_path(self.ca_file)
        return context

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.credentials is not None:
            user, password = self.credentials
            if auth_data.login.decode() == user and auth_data.password.decode() == password:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)

    def _refusal(self, stage: str) -> str | None:
        with self._lock:
            for index, (at, reply, remaining) in enumerate(self._refusals):
                if at != stage:
                    continue
                if remaining is not None:
                    if remaining <= 1:
                        del self._refusals[index]
                    else:
                        self._refusals[index] = (at, reply, remaining - 1)
                return reply
        return None

    def _keep(self, mail: ReceivedMail) -> None:
        with self._lock:
            self._messages.append(mail)
            self._lock.notify_all()
