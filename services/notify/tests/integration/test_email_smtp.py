"""Email reaches a real SMTP server (aiosmtpd) in each security mode, and every refusal comes back as
a short reason without the citizen's address."""
import pytest
from ektp_peers.smtp import SmtpSink

from ektp_shared.testing.ports import free_port
from notify.providers import Email, ProviderError, SmtpConfig, SmtpEmailProvider

SENDER = "Disdukcapil Kota Bandung <noreply@dukcapil.example.go.id>"
CITIZEN = "siti.rahayu@example.co.id"


def email(delivery_id="d-0001", to=CITIZEN):
    return Email(delivery_id=delivery_id, to=to, subject="e-KTP Anda siap diambil - No. EKTP-1", body="Tanggal: Senin, 12 Januari 2026\nAlamat: Jl. Ambon No. 1B – Citarum\n")


def provider(sink, **overrides):
    settings = dict(host=sink.host, port=sink.port, sender=SENDER, security="none", timeout=5)
    settings.update(overrides)
    return SmtpEmailProvider(SmtpConfig(**settings))


def test_the_message_arrives_with_its_headers_and_body():
    with SmtpSink() as sink:
        accepted = provider(sink).send(email())
        [mail] = sink.wait_for(1)
    assert mail.rcpt_tos == (CITIZEN,)
    assert mail.mail_from == "noreply@dukcapil.example.go.id"
    message = mail.message
    assert message["Subject"] == "e-KTP Anda siap diambil - No. EKTP-1"
    assert message["To"] == CITIZEN
    assert message["From"] == SENDER
    assert message["Message-ID"] == "<d-0001@dukcapil.example.go.id>" == accepted.message_ids[0]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content() == "Tanggal: Senin, 12 Januari 2026\nAlamat: Jl. Ambon No. 1B – Citarum\n"


def test_a_resend_carries_the_same_message_id():
    with SmtpSink() as sink:
        smtp = provider(sink)
        smtp.send(email("d-42"))
        smtp.send(email("d-42"))
        first, second = sink.wait_for(2)
    assert first.message["Message-ID"] == second.message["Message-ID"] == "<d-42@dukcapil.example.go.id>"


def test_starttls_with_login():
    with SmtpSink(tls="starttls", credentials=("notify", "s3cret")) as sink:
        provider(sink, security="starttls", ca_file=sink.ca_file, username="notify", password="s3cret").send(email())
        [mail] = sink.wait_for(1)
    assert mail.secure and mail.login == "notify"


def test_implicit_tls_with_login():
    with SmtpSink(tls="implicit", credentials=("notify", "s3cret")) as sink:
        provider(sink, security="tls", ca_file=sink.ca_file, username="notify", password="s3cret").send(email())
        [mail] = sink.wait_for(1)
    assert mail.secure and mail.login == "notify"


def test_starttls_never_falls_back_to_clear_text():
    with SmtpSink() as sink:  # offers no STARTTLS
        with pytest.raises(ProviderError, match="does not offer STARTTLS"):
            provider(sink, security="starttls").send(email())
        assert sink.messages == []


def test_an_untrusted_certificate_is_refused():
    with SmtpSink(tls="implicit") as sink:
        with pytest.raises(ProviderError, match="tls failed: CERTIFICATE_VERIFY_FAILED"):
            provider(sink, security="tls").send(email())  # system trust store: does not know the test CA
        assert sink.messages == []


def test_a_wrong_password_is_an_authentication_failure():
    with SmtpSink(tls="starttls", credentials=("notify", "s3cret")) as sink:
        with pytest.raises(ProviderError, match="authentication failed: 535"):
            provider(sink, security="starttls", ca_file=sink.ca_file, username="notify", password="wrong").send(email())


def test_a_refused_recipient_is_permanent_and_not_named():
    with SmtpSink() as sink:
        sink.refuse(f"550 5.1.1 <{CITIZEN}>: Recipient address rejected", at="RCPT")
        with pytest.raises(ProviderError) as refused:
            provider(sink).send(email())
    assert refused.value.permanent
    assert refused.value.reason == "recipient refused: 550"


def test_a_temporary_refusal_is_not_permanent():
    with SmtpSink() as sink:
        sink.refuse("451 4.3.0 Mail server temporarily rejected message", times=1)
        smtp = provider(sink)
        with pytest.raises(ProviderError) as refused:
            smtp.send(email())
        assert not refused.value.permanent
        assert refused.value.reason == "message refused: 451 4.3.0 Mail server temporarily rejected message"
        smtp.send(email())  # the next try goes through
        assert len(sink.wait_for(1)) == 1


def test_no_server_listening():
    config = SmtpConfig(host="127.0.0.1", port=free_port(), sender=SENDER, security="none", timeout=2)
    with pytest.raises(ProviderError, match="connection refused"):
        SmtpEmailProvider(config).send(email())


def test_a_malformed_address_is_refused_before_connecting():
    config = SmtpConfig(host="127.0.0.1", port=free_port(), sender=SENDER, security="none")
    with pytest.raises(ProviderError) as refused:
        SmtpEmailProvider(config).send(email(to="siti.rahayu at example"))
    assert refused.value.permanent and refused.value.reason == "invalid recipient address"


def test_an_unknown_security_mode_is_a_configuration_error():
    with pytest.raises(ValueError, match="security"):
        SmtpConfig(host="mail", sender=SENDER, security="ssl")


def test_login_to_a_server_without_auth_is_reported_as_such():
    with SmtpSink() as sink:
        with pytest.raises(ProviderError, match="lacks a needed extension"):
            provider(sink, username="notify", password="s3cret").send(email())
