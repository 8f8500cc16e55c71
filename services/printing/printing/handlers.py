"""Events printing consumes: the verified card data (again after a correction), and the enrolment that
clears the card for printing (a document type that skips biometrics, the KIA, is printed on the verified data)."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import BIOMETRICS_ENROLLED
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import cards
from .context import PrintingContext

handlers = Handlers()


@handlers.on(APPLICATION_VERIFIED)
def keep_card_data(event: CloudEvent, uow: UnitOfWork, context: PrintingContext) -> None:
    holder, parent = event.data["card_holder"], event.data.get("parent")
    cards.keep_card_data(uow, event, context.lookup_hash(holder["nik"]), context.lookup_hash(holder["kk_number"]),
                         utcnow(), parent_hash=parent and context.lookup_hash(parent["nik"]))


@handlers.on(BIOMETRICS_ENROLLED)
def queue_print(event: CloudEvent, uow: UnitOfWork, context: PrintingContext) -> None:
    cards.queue_first_print(uow, event, utcnow())
