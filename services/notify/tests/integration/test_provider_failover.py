"""When a provider fails the next one in the configured order takes the message, and every attempt is
reported with a reason that names no citizen."""
import pytest
import smpp34
from ektp_peers.sms_gateway import SmsGatewayFake
from ektp_peers.smsc import SmscSimulator
from ektp_peers.smtp import SmtpSink

from ektp_shared.testing.ports import free_port
from notify.providers import (
    ACCEPTED,
    FAILED,
    Email,
    Failover,
    FolderProvider,
    GatewayConfig,
    HttpSmsGatewayProvider,
    SmppConfig,
    SmppSmsProvider,
    Sms,
    SmtpConfig,
    SmtpEmailProvider,
    failover,
)

NUMBER = "+6281234567890"
SMS = Sms("d-1", NUMBER, "Dukcapil: e-KTP No. EKTP-1 siap diambil.")
SENDER = "Disdukcapil <noreply@dukcapil.example.go.id>"


@pytest.fixture
def sms_providers():
    with SmscSimulator() as smsc, SmsGatewayFake() as gateway:
        providers = {
            "smpp": SmppSmsProvider(SmppConfig(host=smsc.host, port=smsc.port, system_id="notify", timeout=3)),
            "gateway": HttpSmsGatewayProvider(GatewayConfig(url=gateway.url, userkey=gateway.userkey, passkey=gateway.passkey, timeout=3)),
        }
        yield smsc, gateway, providers
        for provider in providers.values():
            provider.close()


def test_the_first_provider_that_works_sends_it_and_the_rest_are_not_asked(sms_providers):
    smsc, gateway, providers = sms_providers
    delivery = failover("sms", "smpp,gateway", providers).send(SMS)
    assert delivery.ok and delivery.accepted.provider == "smpp"
    assert [attempt.provider for attempt in delivery.attempts] == ["smpp"]
    assert len(smsc.wait_for_messages(1)) == 1
    assert gateway.requests == 0


def test_a_failing_smsc_falls_over_to_the_http_gateway(sms_providers):
    smsc, gateway, providers = sms_providers
    smsc.refuse_submits(smpp34.ESME_RSYSERR)
    delivery = failover("sms", "smpp, gateway", providers).send(SMS)
    assert [(attempt.provider, attempt.outcome) for attempt in delivery.attempts] == [("smpp", FAILED), ("gateway", ACCEPTED)]
    assert delivery.attempts[0].reason == "submit_sm refused: 0x00000008 System Error"
    assert delivery.accepted.message_ids == (gateway.wait_for(1)[0].message_id,)
    assert smsc.messages() == []


def test_when_every_provider_fails_the_delivery_says_why_without_the_number(sms_providers):
    smsc, gateway, providers = sms_providers
    smsc.refuse_submits(smpp34.ESME_RTHROTTLED)
    gateway.fail("http_500")
    delivery = failover("sms", ["smpp", "gateway"], providers).send(SMS)
    assert not delivery.ok and not delivery.permanent
    assert delivery.reason == "smpp: submit_sm refused: 0x00000058 Throttling error (ESME has exceeded allowed message limits); gateway: http 500"
    assert "81234567890" not in repr(delivery)


def test_the_order_is_configuration(sms_providers):
    smsc, gateway, providers = sms_providers
    delivery = failover("sms", "gateway,smpp", providers).send(SMS)
    assert delivery.accepted.provider == "gateway"
    assert smsc.submits == []


def test_email_falls_over_from_an_unreachable_server_to_the_outbox_folder(tmp_path):
    smtp = SmtpEmailProvider(SmtpConfig(host="127.0.0.1", port=free_port(), sender=SENDER, security="none", timeout=2))
    folder = FolderProvider(tmp_path, "email", sender=SENDER)
    delivery = Failover("email", [smtp, folder]).send(Email("d-2", "siti@example.co.id", "Subjek", "Isi\n"))
    assert [(attempt.provider, attempt.outcome, attempt.reason) for attempt in delivery.attempts] == [
        ("smtp", FAILED, "connection refused"),
        ("folder", ACCEPTED, ""),
    ]
    assert (tmp_path / "email" / "d-2.eml").exists()


def test_a_message_refused_everywhere_for_itself_is_permanent():
    with SmtpSink() as first, SmtpSink() as second:
        for sink in (first, second):
            sink.refuse("550 5.1.1 mailbox unavailable", at="RCPT")
        chain = Failover("email", [
            SmtpEmailProvider(SmtpConfig(host=first.host, port=first.port, sender=SENDER, security="none"), name="primary"),
            SmtpEmailProvider(SmtpConfig(host=second.host, port=second.port, sender=SENDER, security="none"), name="secondary"),
        ])
        delivery = chain.send(Email("d-3", "nobody@example.co.id", "Subjek", "Isi\n"))
    assert delivery.permanent and delivery.reason == "primary: recipient refused: 550; secondary: recipient refused: 550"


def test_configuration_mistakes_are_caught_at_start(tmp_path):
    folder = FolderProvider(tmp_path, "email", sender=SENDER)
    with pytest.raises(ValueError, match="unknown sms providers: smpp"):
        failover("sms", "smpp", {"folder": folder})
    with pytest.raises(ValueError, match="not sms providers: folder"):
        failover("sms", "folder", {"folder": folder})
    with pytest.raises(ValueError, match="no email provider"):
        failover("email", "", {"folder": folder})
    with pytest.raises(ValueError, match="sms message given to the email providers"):
        Failover("email", [folder]).send(SMS)
