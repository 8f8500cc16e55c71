"""Channel providers behind one interface (`Provider.send(message) -> Accepted`, raising
`ProviderError`) and the failover chain that tries them in configured order."""
from notify.providers.base import EMAIL, SMS, Accepted, Email, Message, Provider, ProviderError, Sms, redact
from notify.providers.failover import ACCEPTED, FAILED, Attempt, Delivery, Failover, failover
from notify.providers.folder import FolderProvider
from notify.providers.gateway import GatewayConfig, HttpSmsGatewayProvider, parse_answer
from notify.providers.receipt import DELIVERED, PENDING, DeliveryReceipt, InvalidReceipt, parse_receipt
from notify.providers.smpp import SmppConfig, SmppSmsProvider
from notify.providers.smtp import SmtpConfig, SmtpEmailProvider, compose, message_id

__all__ = [
    "ACCEPTED",
    "DELIVERED",
    "EMAIL",
    "FAILED",
    "PENDING",
    "SMS",
    "Accepted",
    "Attempt",
    "Delivery",
    "DeliveryReceipt",
    "Email",
    "Failover",
    "FolderProvider",
    "GatewayConfig",
    "HttpSmsGatewayProvider",
    "InvalidReceipt",
    "Message",
    "Provider",
    "ProviderError",
    "SmppConfig",
    "SmppSmsProvider",
    "Sms",
    "SmtpConfig",
    "SmtpEmailProvider",
    "compose",
    "failover",
    "message_id",
    "parse_answer",
    "parse_receipt",
    "redact",
]
