"""SMS over SMPP 3.4 (smpplib): one transceiver bind kept open, submit_sm per part with a delivery
receipt requested, delivery receipts read back over the same bind.

`send` returns once the SMSC has answered every part (its message ids are what the receipts name).
Receipts arrive later; `poll_receipts` reads what has come in, and any that arrive while a send
waits for its answers are kept for the next poll. One lock serialises use of the connection.
"""
from __future__ import annotations

import dataclasses
import logging
import select
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp

from ektp_shared.identity.phone import msisdn
from notify.providers.base import SMS, Accepted, ProviderError, Sms
from notify.providers.receipt import DeliveryReceipt, InvalidReceipt, parse_receipt
from notify.rules.sms import ESM_CLASS_UDHI, split, user_data

_ESM_CLASS_RECEIPT = 0x04  # esm_class message type "SMSC delivery receipt" (SMPP 3.4, 5.2.12)
_REGISTERED_DELIVERY_FINAL = 0x01  # a receipt on final success or failure
_TON_INTERNATIONAL, _TON_ALPHANUMERIC = 0x01, 0x05
_NPI_UNKNOWN, _NPI_ISDN = 0x00, 0x01

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SmppConfig:
    host: str
    port: int = 2775
    system_id: str = ""
    password: str = dataclasses.field(default="", repr=False)
    system_type: str = ""
    source_addr: str = "DUKCAPIL"  # sender shown on the handset: a registered alphanumeric mask or a number
    timeout: float = 10.0  # connect, bind and waiting for the answers to one message
    tls: bool = False  # SMPP over TLS, the SMSC's certificate verified against ``host``
    ca_file: str = ""  # CAs that sign the SMSC's certificate (empty: the system's)


class _Client(smpplib.client.Client):
    """smpplib's client, answering an unbind from the SMSC (it only logs it and stays "bound")."""

    def read_pdu(self):
        pdu = super().read_pdu()
        if pdu.command == "unbind":
            answer = smpplib.smpp.make_pdu("unbind_resp", client=self)
            answer.sequence = pdu.sequence
            self.send_pdu(answer)
            self.state = smpplib.consts.SMPP_CLIENT_STATE_OPEN
        return pdu

    @property
    def bound(self) -> bool:
        return self.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TRX

    def _create_socket(self):
        """smpplib wraps without a server name, so a verifying context could not check the SMSC's certificate."""
        if self._ssl_context is None:
            return super()._create_socket()
        raw_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw_socket.settimeout(self.timeout)
        return self._ssl_context.wrap_socket(raw_socket, server_hostname=self.host)


class SmppSmsProvider:
    channel = SMS

    def __init__(
        self,
        config: SmppConfig,
        name: str = "smpp",
        on_receipt: Callable[[DeliveryReceipt], None] | None = None,
    ) -> None:
        self.config = config
        self.name = name
        self._on_receipt = on_receipt
        self._lock = threading.Lock()
        self._client: _Client | None = None
        self._receipts: list[DeliveryReceipt] = []
        self._unannounced: list[DeliveryReceipt] = []  # for on_receipt, called outside the lock
        self._answers: dict[int, tuple[int, str]] = {}  # sequence -> (command_status, message_id)

    def send(self, message: Sms) -> Accepted:
        segments = split(message.text)
        # The concatenation reference only has to differ between messages in flight to one handset.
        reference = zlib.crc32(message.delivery_id.encode())
        payloads = user_data(segments, reference)
        destination = msisdn(message.to)
        with self._lock:
            client = self._bound()
            try:
                sequences = [
                    client.send_message(
                        source_addr_ton=self._source_ton,
                        source_addr_npi=_NPI_UNKNOWN if self._source_ton == _TON_ALPHANUMERIC else _NPI_ISDN,
                        source_addr=self.config.source_addr,
                        dest_addr_ton=_TON_INTERNATIONAL,
                        dest_addr_npi=_NPI_ISDN,
                        destination_addr=destination,
                        short_message=payload,
                        data_coding=segments.data_coding,
                        esm_class=ESM_CLASS_UDHI if segments.concatenated else 0,
                        registered_delivery=_REGISTERED_DELIVERY_FINAL,
                    ).sequence
                    for payload in payloads
                ]
                self._pump(lambda: all(sequence in self._answers for sequence in sequences), self.config.timeout)
            except _Deadline:
                self._drop()  # late answers would belong to nobody: start the next message on a fresh bind
                raise ProviderError("no answer to submit_sm") from None
            except (smpplib.exceptions.ConnectionError, OSError):
                self._drop()
                raise ProviderError("connection lost") from None
            answers = [self._answers.pop(sequence) for sequence in sequences]
        self._announce()
        refused = [status for status, _ in answers if status != smpplib.consts.SMPP_ESME_ROK]
        if refused:
            raise ProviderError(f"submit_sm refused: {_status(refused[0])}", permanent=refused[0] in _PERMANENT)
        return Accepted(message_ids=tuple(message_id for _, message_id in answers), parts=len(payloads))

    def poll_receipts(self, timeout: float = 0.0, *, connect: bool = False) -> list[DeliveryReceipt]:
        """Receipts that arrived since the last call, reading the bind for up to `timeout` seconds.
        With `connect`, bind first if not bound (SMSCs hold receipts for a bind that went away and
        deliver them on the next one); a failed bind raises ProviderError."""
        with self._lock:
            if connect and self._client is None:
                self._bound()
            if self._client is not None:
                try:
                    self._client.poll()
                    if timeout > 0:
                        self._pump(lambda: False, timeout)
                except _Deadline:
                    pass
                except (smpplib.exceptions.ConnectionError, OSError):
                    self._drop()
            received, self._receipts = self._receipts, []
        self._announce()
        return received

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
            if client is None:
                return
            try:
                client.unbind()
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
                pass  # the SMSC may close the socket instead of answering the unbind
            # Unbound either way (smpplib keeps its state "bound" after an unbind and warns on disconnect).
            client.state = smpplib.consts.SMPP_CLIENT_STATE_OPEN
            client.disconnect()

    @property
    def _source_ton(self) -> int:
        return _TON_INTERNATIONAL if self.config.source_addr.isdigit() else _TON_ALPHANUMERIC

    def _bound(self) -> _Client:
        if self._client is not None:
            try:
                self._client.poll()  # answers enquire_links and unbinds, collects receipts, finds a dead socket
                if self._client.bound:
                    return self._client
            except (smpplib.exceptions.ConnectionError, OSError):
                pass
            except smpplib.exceptions.PDUError:
                pass  # an SMSC going away answers our last PDUs with "incorrect bind status": that bind is over
            self._drop()
        client = _Client(
            self.config.host,
            self.config.port,
            timeout=self.config.timeout,
            logger_name=f"{__name__}.client",
            allow_unknown_opt_params=True,
            ssl_context=ssl.create_default_context(cafile=self.config.ca_file or None) if self.config.tls else None,
        )
        client.set_message_sent_handler(self._answered)
        client.set_error_pdu_handler(self._answered)
        client.set_message_received_handler(self._received)
        try:
            client.connect()
            client.bind_transceiver(
                system_id=self.config.system_id, password=self.config.password, system_type=self.config.system_type
            )
        except smpplib.exceptions.PDUError as error:
            client.disconnect()
            raise ProviderError(f"bind refused: {_status(error.args[1]) if len(error.args) > 1 else 'error'}") from None
        except (smpplib.exceptions.ConnectionError, OSError):
            client.disconnect()
            raise ProviderError("connection refused") from None
        self._client = client
        return client

    def _pump(self, done: Callable[[], bool], timeout: float) -> None:
        """Read PDUs until `done()` or the timeout (_Deadline). smpplib has no read with a deadline,
        so wait on its socket with select and read one PDU whenever one is there."""
        client = self._client
        assert client is not None
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Deadline
            readable, _, _ = select.select([client._socket], [], [], remaining)
            if readable:
                try:
                    client.read_once()
                except socket.timeout:
                    raise smpplib.exceptions.ConnectionError() from None
                if not client.bound:
                    raise smpplib.exceptions.ConnectionError()  # the SMSC unbound us

    def _answered(self, pdu) -> None:
        # smpplib calls this for submit_sm_resp and for any PDU with an error status (a refused
        # submit_sm_resp comes twice, which the dict absorbs); generic_nack answers a PDU it could not parse.
        if pdu.command in ("submit_sm_resp", "generic_nack"):
            message_id = getattr(pdu, "message_id", None) or b""
            if isinstance(message_id, bytes):
                message_id = message_id.decode("ascii", "replace")
            self._answers[pdu.sequence] = (int(pdu.status), message_id)
        else:
            logger.warning("smpp %s answered with status %s", pdu.command, _status(pdu.status))

    def _received(self, pdu) -> int:
        if not int(pdu.esm_class) & _ESM_CLASS_RECEIPT:
            return smpplib.consts.SMPP_ESME_ROK  # a message from a handset: not ours to handle
        try:
            receipt = parse_receipt(
                pdu.short_message or b"",
                receipted_message_id=pdu.receipted_message_id,
                message_state=pdu.message_state,
            )
        except InvalidReceipt:
            logger.warning("smpp delivery receipt without id or state ignored")
            return smpplib.consts.SMPP_ESME_ROK
        self._receipts.append(receipt)
        if self._on_receipt is not None:
            self._unannounced.append(receipt)
        return smpplib.consts.SMPP_ESME_ROK

    def _announce(self) -> None:
        with self._lock:
            pending, self._unannounced = self._unannounced, []
        for receipt in pending:
            self._on_receipt(receipt)  # type: ignore[misc]

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.disconnect()
        self._answers.clear()


class _Deadline(Exception):
    """No answer in time (socket.timeout is an OSError and means a broken read here, so not that)."""


_PERMANENT = {
    smpplib.consts.SMPP_ESME_RINVDSTADR,
    smpplib.consts.SMPP_ESME_RINVMSGLEN,
}


def _status(code: int) -> str:
    description = smpplib.consts.DESCRIPTIONS.get(int(code), "unknown status")
    return f"0x{int(code):08X} {description}"
