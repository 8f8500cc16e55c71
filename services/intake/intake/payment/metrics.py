"""Payment metrics: no order id, amount or person in a label."""
from prometheus_client import Counter

CHECKOUTS = Counter("ektp_payment_checkouts_total", "Pay links asked of the payment gateway, by outcome "
                    "(`created`, `gateway_error`).", ["outcome"])
NOTIFICATIONS = Counter("ektp_payment_notifications_total", "Payment notifications received from the gateway, by "
                        "result (`paid`, `paid_late`, `failed`, `open`, `duplicate`, `signature_invalid`, "
                        "`unknown_order`, `unconfirmed`).", ["result"])
PAID_RUPIAH = Counter("ektp_payments_paid_rupiah_total", "Fees paid, in rupiah.")
REFUNDS = Counter("ektp_payment_refunds_total", "Refunds of late payments asked of the gateway, by result "
                  "(`refunded`, `gateway_error`: tried again later, `refused`: the gateway will not, "
                  "`not_refundable`: a payment type without a refund API; both of these are refunded by hand).",
                  ["result"])
