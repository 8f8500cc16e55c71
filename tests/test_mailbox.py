"""The demo and the end-to-end tests read a citizen's one-time code from the messages that reached them, as a
person would: a milestone message that arrives between the request and the code (its receipt number holds the
date as six digits) is not taken for the code."""
from __future__ import annotations

from ektp_launcher.mailbox import new_code
from ektp_shared.identity.contact import SMS

SUBMITTED = ("Dukcapil: permohonan e-KTP Anda diterima, nomor tanda terima KTP-3201-261203-D0M9VF-K. "
             "Lacak di portal.")
CODE = "Kode verifikasi Dukcapil: 482913. Berlaku sampai pukul 18.19. Jangan berikan kode ini kepada siapa pun."


class Phone:
    def __init__(self, *texts: str):
        self.received = list(texts)

    def texts(self, channel: str, address: str) -> list[str]:
        return self.received


def test_the_code_is_read_past_a_milestone_message_that_arrived_first():
    phone = Phone("Kode verifikasi Dukcapil: 111111.", SUBMITTED, CODE)
    assert new_code(phone, SMS, "081277700011", seen=1, timeout=1) == "482913"
