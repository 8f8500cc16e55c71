"""The embedded profile writes messages to a folder: one readable file per delivery."""
import email
import email.policy
import json

import pytest

from notify.providers import Email, FolderProvider, ProviderError, Sms

SENDER = "Disdukcapil <noreply@dukcapil.example.go.id>"


def test_an_email_becomes_an_eml_file_a_mail_client_opens(tmp_path):
    accepted = FolderProvider(tmp_path, "email", sender=SENDER).send(Email("d-1", "siti@example.co.id", "e-KTP siap diambil", "Alamat: Jl. Ambon – Bandung\n"))
    path = tmp_path / "email" / "d-1.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert (message["To"], message["Subject"], message["Message-ID"]) == ("siti@example.co.id", "e-KTP siap diambil", "<d-1@dukcapil.example.go.id>")
    assert message.get_content().replace("\r\n", "\n") == "Alamat: Jl. Ambon – Bandung\n"
    assert accepted.message_ids == ("d-1.eml",)


def test_an_sms_becomes_a_json_file_with_its_parts(tmp_path):
    FolderProvider(tmp_path, "sms").send(Sms("d-2", "+6281234567890", "x" * 200))
    record = json.loads((tmp_path / "sms" / "d-2.json").read_text())
    assert record == {"to": "+6281234567890", "text": "x" * 200, "encoding": "gsm7", "parts": 2}


def test_the_same_delivery_twice_leaves_one_file(tmp_path):
    outbox = FolderProvider(tmp_path, "sms")
    outbox.send(Sms("d-3", "+6281234567890", "Halo"))
    outbox.send(Sms("d-3", "+6281234567890", "Halo"))
    assert [path.name for path in (tmp_path / "sms").iterdir()] == ["d-3.json"]


def test_a_folder_that_is_a_file_is_a_provider_failure(tmp_path):
    (tmp_path / "sms").write_text("not a folder")
    with pytest.raises(ProviderError, match="cannot write"):
        FolderProvider(tmp_path, "sms").send(Sms("d-5", "+6281234567890", "Halo"))


def test_delivery_ids_cannot_reach_outside_the_folder(tmp_path):
    with pytest.raises(ValueError, match="delivery_id"):
        Sms("../../etc/passwd", "+6281234567890", "Halo")


def test_an_sms_needs_a_normalised_number():
    with pytest.raises(ValueError, match="E.164"):
        Sms("d-6", "0812-3456-7890", "Halo")
