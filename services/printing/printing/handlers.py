"""Events printing consumes: the verified card data, and the enrolment that clears it for printing."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import BIOMETRICS_ENROLLED
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import cards

handlers = Handlers()


@handlers.on(APPLICATION_VERIFIED)
def keep_card_data(event: CloudEvent, uow: UnitOfWork) -> None:
    cards.keep_card_data(uow, event, uow.runtime.cipher.lookup_hash(event.data["card_holder"]["nik"]), utcnow())


@handlers.on(BIOMETRICS_ENROLLED)
def queue_print(event: CloudEvent, uow: UnitOfWork) -> None:
    cards.queue_print(uow, event, uow.runtime.settings.printer_uri, utcnow())
