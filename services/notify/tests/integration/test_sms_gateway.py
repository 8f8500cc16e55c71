"""SMS through an HTTP gateway of the Indonesian userkey/passkey shape, against the recording fake over
real HTTP."""
import pytest
import requests
from ektp_peers.sms_gateway import SmsGatewayFake

from ektp_shared.testing.ports import free_port
from notify.providers import GatewayConfig, HttpSmsGatewayProvider, ProviderError, Sms, parse_answer

TEXT = "Dukcapil: Permohonan e-KTP Anda diterima. No. tanda terima EKTP-1."


@pytest.fixture
def gateway():
    with SmsGatewayFake() as fake:
        yield fake


def provider(gateway, **overrides):
    settings = dict(url=gateway.url, userkey=gateway.userkey, passkey=gateway.passkey, timeout=2)
    settings.update(overrides)
    return HttpSmsGatewayProvider(GatewayConfig(**settings))


def test_the_gateway_gets_the_number_and_the_text(gateway):
    accepted = provider(gateway).send(Sms("d-1", "+6281234567890", TEXT))
    [sms] = gateway.wait_for(1)
    assert (sms.number, sms.message) == ("6281234567890", TEXT)
    assert accepted.message_ids == (sms.message_id,)
    assert accepted.parts == 1


def test_a_long_text_goes_whole_and_is_counted_in_parts(gateway):
    text = "Dukcapil: " + "x" * 280
    accepted = provider(gateway).send(Sms("d-2", "+6281234567890", text))
    assert gateway.wait_for(1)[0].message == text
    assert accepted.parts == 2


def test_wrong_keys_are_a_refusal_with_the_gateway_reason(gateway):
    with pytest.raises(ProviderError, match="gateway refused: Userkey atau Passkey salah"):
        provider(gateway, passkey="wrong").send(Sms("d-3", "+6281234567890", TEXT))
    assert gateway.messages == []


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("http_500", "http 500"), ("refuse", "gateway refused: Saldo tidak mencukupi"), ("garbage", "unreadable gateway answer")],
)
def test_gateway_failures_become_reasons(gateway, mode, reason):
    gateway.fail(mode, times=1)
    sms_provider = provider(gateway)
    with pytest.raises(ProviderError) as failed:
        sms_provider.send(Sms("d-4", "+6281234567890", TEXT))
    assert failed.value.reason == reason
    sms_provider.send(Sms("d-4", "+6281234567890", TEXT))  # it recovered
    assert len(gateway.wait_for(1)) == 1


def test_a_slow_gateway_times_out(gateway):
    gateway.fail("slow", delay=2.0, times=1)
    with pytest.raises(ProviderError, match="timeout"):
        provider(gateway, timeout=0.3).send(Sms("d-5", "+6281234567890", TEXT))


def test_no_gateway_listening():
    config = GatewayConfig(url=f"http://127.0.0.1:{free_port()}/api/sendsms/", userkey="k", passkey="p", timeout=2)
    with pytest.raises(ProviderError, match="connection failed"):
        HttpSmsGatewayProvider(config).send(Sms("d-6", "+6281234567890", TEXT))


def test_older_field_names_are_configurable():
    with SmsGatewayFake(number_field="nohp", message_field="pesan") as fake:
        HttpSmsGatewayProvider(
            GatewayConfig(url=fake.url, userkey=fake.userkey, passkey=fake.passkey, number_field="nohp", message_field="pesan")
        ).send(Sms("d-7", "+6281234567890", TEXT))
        assert fake.wait_for(1)[0].number == "6281234567890"


def test_a_refusal_text_naming_the_number_is_redacted():
    with pytest.raises(ProviderError) as refused:
        parse_answer(b'{"status": "0", "text": "Nomor 6281234567890 tidak terdaftar"}')
    assert refused.value.reason == "gateway refused: Nomor <number> tidak terdaftar"


@pytest.mark.parametrize(
    ("answer", "message_id"),
    [(b'{"messageId": "77", "to": "628", "status": "1", "text": "Success"}', "77"), (b'[{"messageId": 78, "status": 1}]', "78")],
)
def test_answers_in_their_variants(answer, message_id):
    assert parse_answer(answer) == message_id


def test_an_answer_without_message_id_is_not_taken_for_success():
    with pytest.raises(ProviderError, match="without messageId"):
        parse_answer(b'{"status": "1", "text": "Success"}')


def test_another_process_can_read_and_steer_the_fake(gateway):
    base = gateway.url.removesuffix(gateway.path)
    requests.post(f"{base}/_fail", json={"mode": "http_500", "times": 1}, timeout=2)
    with pytest.raises(ProviderError, match="http 500"):
        provider(gateway).send(Sms("d-8", "+6281234567890", TEXT))
    provider(gateway).send(Sms("d-8", "+6281234567890", TEXT))
    assert requests.get(f"{base}/_messages", timeout=2).json() == [{"message_id": "1", "number": "6281234567890", "message": TEXT}]
