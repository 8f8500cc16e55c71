"""The states of one message (a delivery of one milestone on one channel), no I/O.

    PENDING ──claimed by a sender──▶ SENDING ──a provider took it──▶ SENT ──receipts: delivered──▶ DELIVERED
       ▲                               │  └──no provider, retries left──▶ PENDING            └─failed──▶ FAILED
       └──rate limited (waits)          └──no provider, none left / template broken──▶ FAILED

A sender that died leaves SENDING behind; its lapsed claim is taken again (SENDING to SENDING is no move).
"""
from __future__ import annotations

import enum

from ektp_shared.lifecycle import Lifecycle


class DeliveryState(str, enum.Enum):
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


_D = DeliveryState
DELIVERY = Lifecycle(DeliveryState, {
    _D.PENDING: {_D.SENDING},
    _D.SENDING: {_D.SENT, _D.PENDING, _D.FAILED},
    _D.SENT: {_D.DELIVERED, _D.FAILED},
}, state_attribute="status", since_attribute="status_since")
