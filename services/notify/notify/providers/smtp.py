"""Email over SMTP (smtplib): STARTTLS, implicit TLS or plain, with optional AUTH.

The Message-ID is built from the delivery id, so a message sent twice (a retry after a lost answer)
carries the same id and mail systems can tell the copies apart from new messages.
"""
from __future__ import annotations

import dataclasses
import email.message
import email.policy
import email.utils
import smtplib
import socket
import ssl
from email.headerregistry import Address

from notify.providers.base import EMAIL, Accepted, Email, ProviderError, redact

SECURITY_MODES = ("starttls", "tls", "none")


@dataclasses.dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str  # "Disdukcapil <noreply@dukcapil.example.go.id>"
    port: int = 587
    security: str = "starttls"  # "starttls" (submission, 587), "tls" (implicit TLS, 465) or "none" (25, trusted networks)
    username: str = ""
    password: str = dataclasses.field(default="", repr=False)
    timeout: float = 10.0
    ca_file: str = ""  # CA bundle of a server with a private certificate; empty = the system's trust store
    message_id_domain: str = ""  # right-hand side of Message-IDs; empty = the sender's domain

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP security must be one of {', '.join(SECURITY_MODES)}")


def message_id(delivery_id: str, domain: str) -> str:
    return f"<{delivery_id}@{domain}>"


def compose(message: Email, sender: str, message_id_domain: str = "") -> email.message.EmailMessage:
    """The RFC 5322 message (UTF-8 plain text), shared by the SMTP and folder providers."""
    _, sender_address = email.utils.parseaddr(sender)
    domain = message_id_domain or sender_address.rpartition("@")[2]
    if not domain:
        raise ValueError("the sender needs an address with a domain")
    try:
        recipient = Address(addr_spec=message.to)
    except (ValueError, IndexError):
        raise ProviderError("invalid recipient address", permanent=True) from None
    if not recipient.domain:
        raise ProviderError("invalid recipient address", permanent=True)
    mail = email.message.EmailMessage(policy=email.policy.SMTP)
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(localtime=False)
    mail["Message-ID"] = message_id(message.delivery_id, domain)
    mail["Content-Language"] = message.lang
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: keeps vacation responders from answering
    mail.set_content(message.body, charset="utf-8")
    return mail


class SmtpEmailProvider:
    channel = EMAIL

    def __init__(self, config: SmtpConfig, name: str = "smtp") -> None:
        self.config = config
        self.name = name

    def send(self, message: Email) -> Accepted:
        mail = compose(message, self.config.sender, self.config.message_id_domain)
        try:
            with self._connect() as smtp:
                if self.config.username:
                    smtp.login(self.config.username, self.config.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0]
            raise ProviderError(f"recipient refused: {code}", permanent=500 <= code < 600) from None
        except smtplib.SMTPSenderRefused as error:
            raise ProviderError(f"sender refused: {error.smtp_code} {_text(error.smtp_error)}") from None
        except smtplib.SMTPDataError as error:
            raise ProviderError(f"message refused: {error.smtp_code} {_text(error.smtp_error)}", permanent=500 <= error.smtp_code < 600) from None
        except smtplib.SMTPAuthenticationError as error:
            raise ProviderError(f"authentication failed: {error.smtp_code}") from None
        except smtplib.SMTPNotSupportedError:
            raise ProviderError("server lacks a needed extension (AUTH or SMTPUTF8)") from None
        except smtplib.SMTPServerDisconnected:
            raise ProviderError("server disconnected") from None
        except smtplib.SMTPResponseException as error:
            raise ProviderError(f"server answered {error.smtp_code} {_text(error.smtp_error)}") from None
        except ssl.SSLError as error:
            raise ProviderError(f"tls failed: {error.reason or type(error).__name__}") from None
        except (socket.timeout, TimeoutError):
            raise ProviderError("timeout") from None
        except ConnectionRefusedError:
            raise ProviderError("connection refused") from None
        except OSError as error:
            raise ProviderError(f"network error: {type(error).__name__}") from None
        return Accepted(message_ids=(mail["Message-ID"],))

    def close(self) -> None:
        """Nothing is kept open: one connection per message."""

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.security == "tls":
            return smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=self._tls())
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            try:
                smtp.starttls(context=self._tls())
            except smtplib.SMTPNotSupportedError:
                smtp.close()
                raise ProviderError("server does not offer STARTTLS") from None  # never go on in clear text
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.ca_file or None)


def _text(answer: bytes | str) -> str:
    return redact(answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer)
