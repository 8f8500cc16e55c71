"""``python -m verification.worker``: consumes verification's events and relays its outbox."""
from ektp_shared.worker import run

from .service import SERVICE

if __name__ == "__main__":
    run(SERVICE)
