"""A fake of the Midtrans payment gateway (Snap and the transaction-status API), served over real HTTP, that
sends signed HTTP notifications as Midtrans does.

- ``POST /snap/v1/transactions`` (HTTP Basic: the server key, empty password) with ``transaction_details``
  (``order_id``, ``gross_amount``) answers 201 ``{"token", "redirect_url"}``; a used order_id or a missing field
  answers 400 ``{"error_messages": [...]}``, a wrong key 401. The header ``X-Override-Notification`` says where
  this transaction's notifications go (else ``notification_url``).
- ``GET /snap/v2/vtweb/<token>``: the payment page, a plain HTML form (no JavaScript) with "Bayar" and "Batal".
  Paying settles the transaction (``settlement``, status code 200) and POSTs the notification to the
  merchant, then shows the result (or sends the browser to the ``callbacks.finish`` URL).
- ``GET /v2/<order_id>/status`` (same auth): the transaction, or ``status_code`` "404".
- ``POST /v2/<order_id>/refund`` (same auth) with ``{"refund_key", "amount", "reason"}``: a settled transaction of
  a payment type Midtrans refunds (qris, gopay, credit_card …) becomes ``refund`` and the refund is recorded
  (``gateway.refunds``); the same refund_key again answers the same and refunds nothing more. Like Midtrans it
  answers HTTP 200 with the outcome in ``status_code``: "412" for a transaction it cannot refund (not settled,
  a bank transfer, more than was paid), "404" for an unknown order. ``gateway.fail_refunds(n)`` makes the next n
  refund requests answer HTTP 503, ``gateway.refuse_refunds(n)`` "412" (as past a payment type's refund window).
- Notifications carry ``signature_key = SHA512(order_id + status_code + gross_amount + server key)``; a
  notification the merchant does not answer with 2xx is sent again (as Midtrans retries), a few times.

In a test, ``with MidtransFake(server_key=...) as gateway:``, then ``gateway.pay(order_id)`` (as the citizen
would) and ``gateway.notify(order_id, signature=...)`` to send a notification again or forged; another process
uses ``POST /_pay {"order_id", "transaction_status"}``, ``GET /_transactions`` and ``GET /_refunds``.
``python -m ektp_peers.midtrans --port 8009`` runs it alone.
"""
from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import hashlib
import html
import time
import uuid
from typing import Any

import requests
from werkzeug.wrappers import Request, Response

from .http_peer import HttpPeer, json_response

STATUS_CODES = {"settlement": "200", "capture": "200", "pending": "201", "deny": "202", "cancel": "202",
                "expire": "407", "failure": "202", "refund": "200"}
REFUNDABLE_TYPES = frozenset({"credit_card", "gopay", "shopeepay", "dana", "ovo", "qris", "kredivo", "akulaku"})
NOTIFICATION_TRIES = 5


@dataclasses.dataclass
class Transaction:
    order_id: str
    gross_amount: int
    token: str
    notification_url: str
    finish_url: str | None
    transaction_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    transaction_status: str = "pending"
    payment_type: str | None = None
    transaction_time: str = dataclasses.field(default_factory=lambda: _now())
    settlement_time: str | None = None

    @property
    def status_code(self) -> str:
        return STATUS_CODES[self.transaction_status]

    @property
    def amount(self) -> str:
        return f"{self.gross_amount}.00"


@dataclasses.dataclass(frozen=True)
class RefundRequest:
    order_id: str
    refund_key: str
    amount: int
    reason: str


@dataclasses.dataclass(frozen=True)
class MerchantNotification:
    order_id: str
    transaction_status: str
    http_status: int | None  # None: the merchant could not be reached
    body: str


def _now() -> str:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%d %H:%M:%S")


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


class MidtransFake(HttpPeer[MerchantNotification]):
    thread_name = "midtrans-fake"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, server_key: str = "SB-Mid-server-test",
                 notification_url: str = "", retry_seconds: float = 0.5) -> None:
        super().__init__(host, port)
        self.server_key = server_key
        self.notification_url = notification_url
        self.retry_seconds = retry_seconds
        self._transactions: dict[str, Transaction] = {}
        self._refunds: list[RefundRequest] = []
        self._refund_failures = 0
        self._refund_refusals = 0

    @property
    def deliveries(self) -> list[MerchantNotification]:
        return self.received

    @property
    def refunds(self) -> list[RefundRequest]:
        with self._lock:
            return list(self._refunds)

    def fail_refunds(self, times: int) -> None:
        """The next ``times`` refund requests answer HTTP 503 (the gateway is down)."""
        with self._lock:
            self._refund_failures = times

    def refuse_refunds(self, times: int) -> None:
        """The next ``times`` refund requests are refused with "412", as Midtrans does past the refund window."""
        with self._lock:
            self._refund_refusals = times

    def transaction(self, order_id: str) -> Transaction | None:
        with self._lock:
            return self._transactions.get(order_id)

    @property
    def orders(self) -> list[str]:
        with self._lock:
            return list(self._transactions)

    def settle(self, order_id: str, transaction_status: str = "settlement", payment_type: str = "qris") -> None:
        """The transaction's status changes at the gateway (the citizen paid, or it expired …); nobody is told."""
        with self._lock:
            found = self._transactions[order_id]
            found.transaction_status, found.payment_type = transaction_status, payment_type
            if transaction_status in ("settlement", "capture"):
                found.settlement_time = _now()

    def pay(self, order_id: str, transaction_status: str = "settlement", payment_type: str = "qris") -> MerchantNotification:
        """The citizen pays (or the transaction ends otherwise): the status changes, the merchant is notified."""
        self.settle(order_id, transaction_status, payment_type)
        return self.notify(order_id)

    def notification(self, order_id: str, signature_key: str | None = None) -> dict[str, Any]:
        """The notification body Midtrans sends for the transaction as it is now."""
        with self._lock:
            found = self._transactions[order_id]
            body = {"transaction_time": found.transaction_time, "transaction_status": found.transaction_status,
                    "transaction_id": found.transaction_id, "status_message": "midtrans payment notification",
                    "status_code": found.status_code, "payment_type": found.payment_type, "order_id": order_id,
                    "merchant_id": "G000000000", "gross_amount": found.amount, "fraud_status": "accept",
                    "currency": "IDR"}
            if found.settlement_time:
                body["settlement_time"] = found.settlement_time
        body["signature_key"] = signature_key or signature(order_id, body["status_code"], body["gross_amount"],
                                                           self.server_key)
        return body

    def notify(self, order_id: str, signature_key: str | None = None, tries: int = NOTIFICATION_TRIES) -> MerchantNotification:
        """POST the notification to the merchant; again after a pause while it answers other than 2xx (a 4xx
        that names a forged signature is final for a forged one: ``tries=1``)."""
        body = self.notification(order_id, signature_key)
        url = self._transactions[order_id].notification_url
        delivery = MerchantNotification(order_id, body["transaction_status"], None, "")
        for attempt in range(tries):
            try:
                answer = requests.post(url, json=body, timeout=10)
                delivery = MerchantNotification(order_id, body["transaction_status"], answer.status_code, answer.text)
            except requests.RequestException as error:
                delivery = MerchantNotification(order_id, body["transaction_status"], None, type(error).__name__)
            self._receive(delivery)
            if delivery.http_status is not None and delivery.http_status < 300:
                break
            if attempt + 1 < tries:
                time.sleep(self.retry_seconds)
        return delivery

    @Request.application
    def app(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == "/snap/v1/transactions" and method == "POST":
            return self._authorized(request) or self._create(request)
        if path.startswith("/snap/v2/vtweb/"):
            return self._page(request, path.removeprefix("/snap/v2/vtweb/"))
        if path.startswith("/v2/") and path.endswith("/status") and method == "GET":
            return self._authorized(request) or self._status(path.removeprefix("/v2/").removesuffix("/status"))
        if path.startswith("/v2/") and path.endswith("/refund") and method == "POST":
            return self._authorized(request) or self._refund(request, path.removeprefix("/v2/").removesuffix("/refund"))
        if path == "/_refunds" and method == "GET":
            return json_response([dataclasses.asdict(r) for r in self.refunds])
        if path == "/_pay" and method == "POST":
            body = request.get_json(force=True, silent=True) or {}
            if self.transaction(str(body.get("order_id"))) is None:
                return json_response({"error": "unknown order_id"}, 404)
            delivery = self.pay(body["order_id"], body.get("transaction_status", "settlement"))
            return json_response(dataclasses.asdict(delivery))
        if path == "/_transactions" and method == "GET":
            with self._lock:
                return json_response([dataclasses.asdict(t) for t in self._transactions.values()])
        return json_response({"status_code": "404", "status_message": "The requested resource is not found"}, 404)

    def _authorized(self, request: Request) -> Response | None:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        try:
            user = base64.b64decode(encoded).decode().partition(":")[0] if scheme == "Basic" else ""
        except ValueError:
            user = ""
        if user != self.server_key:
            return json_response({"status_code": "401", "status_message": "Access denied due to unauthorized transaction, "
                          "please check client or server key",
                          "error_messages": ["Access denied due to unauthorized transaction, please check client or "
                                             "server key"]}, 401)
        return None

    def _create(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        details = body.get("transaction_details") or {}
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        errors = []
        if not isinstance(order_id, str) or not order_id:
            errors.append("transaction_details.order_id is required")
        if not isinstance(amount, int) or amount < 1:
            errors.append("transaction_details.gross_amount is required and must be an integer of at least 1")
        with self._lock:
            if not errors and order_id in self._transactions:
                errors.append("transaction_details.order_id has already been taken")
            if errors:
                return json_response({"error_messages": errors}, 400)
            token = str(uuid.uuid4())
            self._transactions[order_id] = Transaction(
                order_id, amount, token, request.headers.get("X-Override-Notification") or self.notification_url,
                (body.get("callbacks") or {}).get("finish"))
        return json_response({"token": token, "redirect_url": f"{self.url}/snap/v2/vtweb/{token}"}, 201)

    def _status(self, order_id: str) -> Response:
        found = self.transaction(order_id)
        if found is None:
            return json_response({"status_code": "404", "status_message": "Transaction doesn't exist."}, 404)
        body = self.notification(order_id)
        body["status_message"] = "Success, transaction is found"
        return json_response(body)

    def _refund(self, request: Request, order_id: str) -> Response:
        body = request.get_json(silent=True) or {}
        key, amount = body.get("refund_key"), body.get("amount")
        with self._lock:
            if self._refund_failures:
                self._refund_failures -= 1
                return json_response({"status_code": "503", "status_message": "Service unavailable"}, 503)
            found = self._transactions.get(order_id)
            if found is None:
                return json_response({"status_code": "404", "status_message": "Transaction doesn't exist."})
            earlier = next((r for r in self._refunds if r.order_id == order_id and r.refund_key == key), None)
            if earlier is None:
                if not isinstance(key, str) or not key or not isinstance(amount, int) or amount < 1:
                    return json_response({"status_code": "400", "status_message": "refund_key and amount are required"})
                refused = self._refund_refusals > 0
                self._refund_refusals -= refused
                if refused or found.transaction_status != "settlement" or found.payment_type not in REFUNDABLE_TYPES \
                        or amount > found.gross_amount:
                    return json_response({"status_code": "412", "status_message": "Merchant cannot modify the status "
                                          "of the transaction"})
                earlier = RefundRequest(order_id, key, amount, str(body.get("reason") or ""))
                self._refunds.append(earlier)
                found.transaction_status = "refund"
        return json_response({"status_code": "200", "status_message": "Success, refund request is approved",
                              "transaction_id": found.transaction_id, "order_id": order_id,
                              "gross_amount": found.amount, "currency": "IDR", "payment_type": found.payment_type,
                              "transaction_status": "refund", "refund_amount": f"{earlier.amount}.00",
                              "refund_key": earlier.refund_key})

    def _page(self, request: Request, rest: str) -> Response:
        token, _, action = rest.partition("/")
        with self._lock:
            found = next((t for t in self._transactions.values() if t.token == token), None)
        if found is None:
            return Response("<!doctype html><title>Tidak ditemukan</title><p>Transaksi tidak ditemukan.</p>",
                            status=404, mimetype="text/html")
        if request.method == "POST" and action in ("pay", "cancel") and found.transaction_status == "pending":
            self.pay(found.order_id, "settlement" if action == "pay" else "cancel")
            if found.finish_url:
                return Response(status=303, headers={"Location": found.finish_url})
        rupiah = f"Rp{found.gross_amount:,}".replace(",", ".")
        if found.transaction_status == "pending":
            actions = (f'<form method="post" action="/snap/v2/vtweb/{token}/pay"><button>Bayar {rupiah}</button></form>'
                       f'<form method="post" action="/snap/v2/vtweb/{token}/cancel"><button>Batal</button></form>')
        else:
            actions = f"<p>Status: {html.escape(found.transaction_status)}</p>"
        page = (f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Pembayaran {rupiah}</title>'
                f'<meta name="viewport" content="width=device-width"></head><body><main><h1>Pembayaran {rupiah}</h1>'
                f'<p>Nomor pesanan {html.escape(found.order_id)}</p>{actions}</main></body></html>')
        return Response(page, mimetype="text/html")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8009)
    parser.add_argument("--server-key", default="SB-Mid-server-test")
    options = parser.parse_args(argv)
    MidtransFake(host=options.host, port=options.port, server_key=options.server_key).serve("Midtrans fake")


if __name__ == "__main__":
    main()
