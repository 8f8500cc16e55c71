"""SMS over SMPP 3.4 against the smpp34 SMSC simulator: bind, submit_sm per part, message ids, and
delivery receipts read back over the same bind."""
import socket
import ssl
import threading

import pytest
import smpp34
import trustme
from ektp_peers.smsc import SmscSimulator

from ektp_shared.testing.ports import free_port
from notify.providers import DELIVERED, FAILED, ProviderError, SmppConfig, SmppSmsProvider, Sms

NUMBER = "+6281234567890"


@pytest.fixture
def smsc():
    with SmscSimulator() as simulator:
        yield simulator


@pytest.fixture
def smpp(smsc):
    provider = SmppSmsProvider(SmppConfig(host=smsc.host, port=smsc.port, system_id="notify", password="secret", timeout=5))
    yield provider
    provider.close()


def receipts(provider, count, timeout=5.0):
    found = []
    for _ in range(int(timeout / 0.1)):
        found += provider.poll_receipts(0.1)
        if len(found) >= count:
            break
    return found


def test_a_message_is_submitted_and_its_receipt_comes_back(smsc, smpp):
    accepted = smpp.send(Sms("d-1", NUMBER, "Dukcapil: e-KTP No. EKTP-1 siap diambil."))
    [message] = smsc.wait_for_messages(1)
    assert (message.destination, message.source, message.text) == ("6281234567890", "DUKCAPIL", "Dukcapil: e-KTP No. EKTP-1 siap diambil.")
    assert accepted.message_ids == message.message_ids
    [submit] = smsc.submits
    assert (submit.system_id, submit.registered_delivery, submit.data_coding, submit.esm_class) == ("notify", 1, 0, 0)
    [receipt] = receipts(smpp, 1)
    assert receipt.message_id == accepted.message_ids[0]
    assert receipt.outcome == DELIVERED and receipt.reason == ""


def test_a_long_message_goes_in_parts_that_join_on_the_handset(smsc, smpp):
    text = "Dukcapil: alamat kantor Jl. Ambon No. 1B [Blok C] - " + "Bandung Wetan, " * 12 + "{ok} €"
    accepted = smpp.send(Sms("d-2", NUMBER, text))
    [message] = smsc.wait_for_messages(1)
    assert message.text == text
    assert accepted.parts == len(message.message_ids) == 2
    assert all(submit.esm_class & 0x40 for submit in smsc.submits)  # user data header present
    assert {receipt.message_id for receipt in receipts(smpp, 2)} == set(accepted.message_ids)


def test_a_text_outside_gsm7_goes_as_ucs2(smsc, smpp):
    text = "Dukcapil: “Tanda terima” 😀 " * 4
    smpp.send(Sms("d-3", NUMBER, text))
    [message] = smsc.wait_for_messages(1)
    assert (message.text, message.data_coding) == (text, 8)


def test_a_refused_submit_is_a_failure_with_the_smpp_status_and_the_bind_stays_usable(smsc, smpp):
    smsc.refuse_submits(smpp34.ESME_RTHROTTLED, times=1)
    with pytest.raises(ProviderError) as refused:
        smpp.send(Sms("d-4", NUMBER, "Halo"))
    assert refused.value.reason.startswith("submit_sm refused: 0x00000058")
    assert not refused.value.permanent
    smpp.send(Sms("d-4", NUMBER, "Halo"))
    assert [message.text for message in smsc.wait_for_messages(1)] == ["Halo"]
    assert smsc.binds == ["notify"]


def test_an_invalid_destination_is_permanent(smsc, smpp):
    smsc.refuse_submits(smpp34.ESME_RINVDSTADR)
    with pytest.raises(ProviderError) as refused:
        smpp.send(Sms("d-5", NUMBER, "Halo"))
    assert refused.value.permanent


def test_an_undeliverable_message_has_a_failed_receipt(smsc, smpp):
    smsc.undeliverable()
    smpp.send(Sms("d-6", NUMBER, "Halo"))
    [receipt] = receipts(smpp, 1)
    assert (receipt.outcome, receipt.reason) == (FAILED, "UNDELIV err:001")


def test_receipts_are_also_handed_to_a_callback(smsc):
    seen = []
    provider = SmppSmsProvider(SmppConfig(host=smsc.host, port=smsc.port, system_id="notify"), on_receipt=seen.append)
    try:
        accepted = provider.send(Sms("d-7", NUMBER, "Halo"))
        receipts(provider, 1)
    finally:
        provider.close()
    assert [receipt.message_id for receipt in seen] == list(accepted.message_ids)


def test_no_smsc_listening():
    provider = SmppSmsProvider(SmppConfig(host="127.0.0.1", port=free_port(), timeout=2))
    with pytest.raises(ProviderError, match="connection refused"):
        provider.send(Sms("d-8", NUMBER, "Halo"))


def test_after_the_smsc_restarts_the_next_message_binds_again():
    port = free_port()
    provider = SmppSmsProvider(SmppConfig(host="127.0.0.1", port=port, system_id="notify", timeout=5))
    try:
        with SmscSimulator(port=port) as first:
            provider.send(Sms("d-9", NUMBER, "satu"))
            first.wait_for_messages(1)
        with SmscSimulator(port=port) as second:
            provider.send(Sms("d-10", NUMBER, "dua"))
            assert [message.text for message in second.wait_for_messages(1)] == ["dua"]
            assert second.binds == ["notify"]
    finally:
        provider.close()


def test_polling_can_bind_to_collect_receipts_held_for_us(smsc):
    provider = SmppSmsProvider(SmppConfig(host=smsc.host, port=smsc.port, system_id="notify-dlr"))
    try:
        assert provider.poll_receipts(0.1, connect=True) == []
        assert smsc.binds == ["notify-dlr"]
    finally:
        provider.close()


def test_threads_sharing_one_bind_each_get_their_own_message_ids(smsc, smpp):
    results = {}

    def send_many(worker):
        results[worker] = [smpp.send(Sms(f"w{worker}-{n}", NUMBER, f"pesan {worker}-{n}")).message_ids[0] for n in range(10)]

    threads = [threading.Thread(target=send_many, args=(worker,)) for worker in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    by_id = {message.message_ids[0]: message.text for message in smsc.wait_for_messages(30)}
    for worker, message_ids in results.items():
        assert [by_id[message_id] for message_id in message_ids] == [f"pesan {worker}-{n}" for n in range(10)]


@pytest.fixture
def smsc_over_tls(smsc):
    """The SMSC behind a TLS port (as an operator's SMPP-over-TLS endpoint), its certificate from a test CA."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    listener = socket.create_server(("127.0.0.1", 0))

    def pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            sock.close()

    def serve():
        while True:
            try:
                client, _ = listener.accept()
                secured = context.wrap_socket(client, server_side=True)
            except OSError:
                if listener.fileno() == -1:
                    return
                continue  # a client that refused our certificate
            upstream = socket.create_connection((smsc.host, smsc.port))
            for source, target in ((secured, upstream), (upstream, secured)):
                threading.Thread(target=pump, args=(source, target), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    with authority.cert_pem.tempfile() as ca_file:
        yield listener.getsockname()[1], ca_file
    listener.close()


def test_over_tls_the_message_goes_through_a_verified_smsc_and_an_unverified_one_gets_nothing(smsc, smsc_over_tls):
    port, ca_file = smsc_over_tls
    secure = SmppSmsProvider(SmppConfig(host="localhost", port=port, system_id="notify", password="secret", timeout=5,
                                        tls=True, ca_file=ca_file))
    try:
        accepted = secure.send(Sms("d-tls", NUMBER, "Dukcapil: e-KTP No. EKTP-7 siap diambil."))
        [message] = smsc.wait_for_messages(1)
        assert message.text == "Dukcapil: e-KTP No. EKTP-7 siap diambil."
        assert accepted.message_ids == message.message_ids
    finally:
        secure.close()

    with trustme.CA().cert_pem.tempfile() as stranger:  # a man in the middle's certificate is refused before the bind
        doubtful = SmppSmsProvider(SmppConfig(host="localhost", port=port, system_id="notify", password="secret",
                                              timeout=5, tls=True, ca_file=stranger))
        with pytest.raises(ProviderError, match="connection refused"):
            doubtful.send(Sms("d-mitm", NUMBER, "Dukcapil: tidak boleh terkirim."))
        doubtful.close()
    assert len(smsc.messages()) == 1
