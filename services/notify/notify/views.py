"""What officers read of notify: the delivery log of an application."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ektp_shared.uow import UnitOfWork

from .models import Delivery
from .rules.states import DeliveryState


def log_of(uow: UnitOfWork, application_id: str) -> list[dict[str, Any]]:
    rows = uow.session.scalars(select(Delivery).where(Delivery.application_id == application_id)
                               .order_by(Delivery.created_at, Delivery.channel))
    return [{"id": d.id, "event": d.event_key, "channel": d.channel, "status": d.status, "attempts": d.attempts,
             "provider": d.provider, "parts": d.parts, "last_error": d.last_error, "created_at": d.created_at,
             "next_attempt_at": d.next_attempt_at if d.status == DeliveryState.PENDING.value else None, "sent_at": d.sent_at,
             "delivered_at": d.delivered_at} for d in rows]
