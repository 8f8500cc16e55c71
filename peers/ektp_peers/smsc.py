"""An SMPP 3.4 SMSC simulator for tests, built on smpp34's server (a Rust/tokio core with an asyncio API).

It accepts any bind, answers each submit_sm with a message id, and, when the submit asked for a
delivery receipt, sends one back on the submitter's session: a deliver_sm with esm_class 0x04, the
SMPP 3.4 Appendix B receipt text and the receipted_message_id and message_state parameters. It records
every submit_sm and can reassemble concatenated parts (8-bit reference UDH) into the texts a handset
would show. It can be told to fail: refuse submits with an SMPP status, or report messages as
undeliverable in their receipts.

    with SmscSimulator() as smsc:
        ... bind to smsc.host, smsc.port and submit ...
        [sms] = smsc.wait_for_messages(1)
        sms.destination, sms.text, sms.message_ids

The simulator runs its own event loop in a thread.
"""
from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from datetime import datetime, timezone

import gsm0338  # noqa: F401  -- registers the "gsm03.38" codec for decoding data_coding 0
import smpp34

from ektp_shared.testing.ports import free_port

_ESM_CLASS_RECEIPT = 0x04
_UDHI = 0x40
_MESSAGE_STATE = {"DELIVRD": 2, "UNDELIV": 5}



@dataclasses.dataclass(frozen=True)
class SubmittedSm:
    system_id: str
    source_addr: str
    destination_addr: str
    esm_class: int
    data_coding: int
    registered_delivery: int
    short_message: bytes
    message_id: str | None  # None when the simulator refused it
    status: int


@dataclasses.dataclass(frozen=True)
class ReceivedSms:
    """One message as the handset shows it, parts joined."""

    destination: str
    source: str
    text: str
    data_coding: int
    message_ids: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class SentReceipt:
    message_id: str
    state: str  # DELIVRD or UNDELIV
    answered: bool  # the ESME acknowledged the deliver_sm


class SmscSimulator:
    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None, system_id: str = "SIMSMSC") -> None:
        self.host = host
        self.port = port or free_port()
        self.system_id = system_id
        self._submits: list[SubmittedSm] = []
        self._receipts: list[SentReceipt] = []
        self._binds: list[str] = []
        self._refuse: tuple[int, int | None] | None = None  # (command_status, remaining or None = always)
        self._receipt_state = "DELIVRD"
        self._lock = threading.Condition(threading.RLock())
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Future | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    # -- steering -------------------------------------------------------------------------------
    def refuse_submits(self, status: int = smpp34.ESME_RSYSERR, *, times: int | None = None) -> None:
        with self._lock:
            self._refuse = (status, times)

    def undeliverable(self, on: bool = True) -> None:
        """Receipts say UNDELIV (the handset could not be reached) instead of DELIVRD."""
        with self._lock:
            self._receipt_state = "UNDELIV" if on else "DELIVRD"

    def recover(self) -> None:
        with self._lock:
            self._refuse = None
            self._receipt_state = "DELIVRD"

    # -- what happened ------------------------------------------------------------------------------
    @property
    def binds(self) -> list[str]:
        with self._lock:
            return list(self._binds)

    @property
    def submits(self) -> list[SubmittedSm]:
        with self._lock:
            return list(self._submits)

    @property
    def receipts(self) -> list[SentReceipt]:
        with self._lock:
            return list(self._receipts)

    def messages(self) -> list[ReceivedSms]:
        """Accepted submits reassembled: parts with the same reference, source and destination join in order."""
        with self._lock:
            accepted = [submit for submit in self._submits if submit.message_id is not None]
        messages: list[ReceivedSms] = []
        pending: dict[tuple[str, str, int], dict[int, SubmittedSm]] = {}
        for submit in accepted:
            header, body = _split_udh(submit)
            if header is None:
                messages.append(_message([submit], [body]))
                continue
            reference, total, number = header
            key = (submit.source_addr, submit.destination_addr, reference)
            parts = pending.setdefault(key, {})
            parts[number] = submit
            if len(parts) == total:
                ordered = [parts[index] for index in sorted(parts)]
                messages.append(_message(ordered, [_split_udh(part)[1] for part in ordered]))
                del pending[key]
        return messages

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[ReceivedSms]:
        return self._wait(lambda: self.messages(), count, timeout, "messages")

    def wait_for_receipts(self, count: int, timeout: float = 5.0) -> list[SentReceipt]:
        return self._wait(lambda: self.receipts, count, timeout, "receipts acknowledged")

    # -- life cycle ---------------------------------------------------------------------------------
    def start(self) -> SmscSimulator:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="smsc-simulator", daemon=True)
        self._thread.start()
        if not ready.wait(10) or self._failure is not None:
            raise RuntimeError(f"SMSC simulator did not start: {self._failure!r}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(lambda: self._stopping.done() or self._stopping.set_result(None))
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> SmscSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the SMSC -------------------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._serve(ready))
        except BaseException as error:  # reported by start(); the thread must not die silently
            self._failure = error
            ready.set()
        finally:
            self._loop.close()

    async def _serve(self, ready: threading.Event) -> None:
        self._stopping = asyncio.get_running_loop().create_future()
        server = smpp34.Server(self.host, self.port, system_id=self.system_id)
        await server.start()
        ready.set()
        sessions: dict[str, smpp34.Esme] = {}
        tasks: set[asyncio.Task] = set()
        try:
            while True:
                event = asyncio.ensure_future(server.next())
                done, _ = await asyncio.wait({event, self._stopping}, return_when=asyncio.FIRST_COMPLETED)
                if self._stopping in done:
                    event.cancel()
                    break
                received = event.result()
                if isinstance(received, smpp34.Esme):
                    sessions[received.session_id] = received
                    with self._lock:
                        self._binds.append(received.system_id)
                elif isinstance(received, smpp34.Unbound):
                    sessions.pop(received.session_id, None)
                elif isinstance(received, smpp34.SubmitSmEvent):
                    receipt = self._answer(received, sessions.get(received.session_id))
                    if receipt is not None:
                        task = asyncio.ensure_future(receipt)
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
        finally:
            for task in tasks:
                task.cancel()
            # Server.stop() only stops listening; bound sessions would live on and queue submits.
            for session in sessions.values():
                try:
                    await asyncio.wait_for(session.unbind(), 0.2)  # an ESME busy elsewhere reads it later
                except (smpp34.SmppError, OSError, RuntimeError, asyncio.TimeoutError):
                    pass
            await server.stop()

    def _answer(self, submit: smpp34.SubmitSmEvent, session: smpp34.Esme | None):
        with self._lock:
            refusal = self._refuse
            if refusal is not None:
                status, remaining = refusal
                if remaining is not None:
                    self._refuse = (status, remaining - 1) if remaining > 1 else None
            state = self._receipt_state
            message_id = None if refusal else f"{len(self._submits) + 1:010d}"
            self._submits.append(
                SubmittedSm(
                    system_id=session.system_id if session else "",
                    source_addr=submit.source_addr,
                    destination_addr=submit.destination_addr,
                    esm_class=submit.esm_class,
                    data_coding=submit.data_coding,
                    registered_delivery=submit.registered_delivery,
                    short_message=submit.short_message,
                    message_id=message_id,
                    status=refusal[0] if refusal else smpp34.ESME_ROK,
                )
            )
            self._lock.notify_all()
        if refusal:
            submit.reject(refusal[0])
            return None
        submit.accept(message_id)
        wants_receipt = submit.registered_delivery & 0x03
        if session is None or not session.can_receive or not (wants_receipt == 1 or (wants_receipt == 2 and state != "DELIVRD")):
            return None
        return self._send_receipt(session, submit, message_id, state)

    async def _send_receipt(self, session: smpp34.Esme, submit: smpp34.SubmitSmEvent, message_id: str, state: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%y%m%d%H%M")
        delivered = "001" if state == "DELIVRD" else "000"
        error = "000" if state == "DELIVRD" else "001"
        text = f"id:{message_id} sub:001 dlvrd:{delivered} submit date:{stamp} done date:{stamp} stat:{state} err:{error} text:"
        try:
            answer = await session.deliver_sm(
                submit.source_addr,
                text.encode("ascii"),
                source_addr=submit.destination_addr,
                esm_class=_ESM_CLASS_RECEIPT,
                tlvs=[
                    smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, message_id.encode("ascii") + b"\0"),
                    smpp34.Tlv(smpp34.TLV_MESSAGE_STATE, bytes([_MESSAGE_STATE[state]])),
                ],
            )
            answered = answer.is_success
        except (smpp34.SmppError, OSError, RuntimeError):
            answered = False  # the ESME went away before acknowledging
        with self._lock:
            self._receipts.append(SentReceipt(message_id, state, answered))
            self._lock.notify_all()

    def _wait(self, read, count: int, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        with self._lock:  # a Condition on an RLock: read() may take it again
            while True:
                found = read()
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} {what}, got {len(found)}")
                self._lock.wait(remaining)


def _split_udh(submit: SubmittedSm) -> tuple[tuple[int, int, int] | None, bytes]:
    """(reference, total, number) of a concatenated part and the text octets after its header."""
    data = submit.short_message
    if not submit.esm_class & _UDHI or not data:
        return None, data
    length = data[0]
    header, body = data[1 : 1 + length], data[1 + length :]
    index = 0
    while index + 1 < len(header):
        identifier, size = header[index], header[index + 1]
        value = header[index + 2 : index + 2 + size]
        if identifier == 0x00 and size == 3:
            return (value[0], value[1], value[2]), body
        if identifier == 0x08 and size == 4:
            return (int.from_bytes(value[:2], "big"), value[2], value[3]), body
        index += 2 + size
    return None, body


def _message(parts: list[SubmittedSm], bodies: list[bytes]) -> ReceivedSms:
    first = parts[0]
    # Each part is decoded on its own, as a handset does: a part cut inside a character fails here.
    codec = "utf-16-be" if first.data_coding == 0x08 else "gsm03.38"
    text = "".join(body.decode(codec) for body in bodies)
    return ReceivedSms(
        destination=first.destination_addr,
        source=first.source_addr,
        text=text,
        data_coding=first.data_coding,
        message_ids=tuple(part.message_id or "" for part in parts),
    )
