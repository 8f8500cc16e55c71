import base64
import dataclasses

import pytest

from ektp_shared.settings import DEVELOPMENT, DEVELOPMENT_SECRET, Settings, SettingsError, load, setting


@dataclasses.dataclass(frozen=True)
class PrinterSettings(Settings):
    copies: int = setting(1, "copies")


def test_a_service_specific_variable_wins_over_the_general_one():
    environ = {**DEVELOPMENT, "EKTP_DATABASE_URL": "postgresql://db/{x}", "EKTP_PRINTING_DATABASE_URL": "sqlite:///p.db",
               "EKTP_COPIES": "3"}
    printing = load(PrinterSettings, "printing", environ)
    intake = load(PrinterSettings, "intake", environ)
    assert printing.database_url == "sqlite:///p.db" and intake.database_url == "postgresql://db/{x}"
    assert printing.copies == 3


def test_defaults_are_per_service():
    settings = load(Settings, "notify", {**DEVELOPMENT, "EKTP_DATA_DIR": "/srv/ektp"})
    assert settings.database_url == "sqlite:////srv/ektp/notify.sqlite3"
    assert settings.s3_bucket == "ektp-notify"


def test_an_unreadable_value_names_its_variable():
    with pytest.raises(SettingsError, match="EKTP_INTAKE_BUS_PREFETCH"):
        load(Settings, "intake", {"EKTP_INTAKE_BUS_PREFETCH": "many"})


def test_production_refuses_development_secrets():
    with pytest.raises(SettingsError, match="development"):
        load(Settings, "intake", {"EKTP_ENVIRONMENT": "production"})


def test_without_the_environment_setting_a_service_with_development_secrets_refuses_to_start():
    """Fail closed: a deployment that forgets EKTP_ENVIRONMENT is production, and says what to set."""
    with pytest.raises(SettingsError) as refused:
        load(Settings, "intake", {})
    message = str(refused.value)
    assert message.startswith("EKTP_ENVIRONMENT is not set, so this is production")
    for variable in ("EKTP_JWT_SECRET", "EKTP_DATA_KEYS", "EKTP_EVENT_SIGNING_KEY", "EKTP_EVENT_PUBLIC_KEYS"):
        assert variable in message
    assert "EKTP_ENVIRONMENT=development" in message
    assert load(Settings, "intake", DEVELOPMENT).environment == "development"


def test_an_unknown_environment_is_refused():
    with pytest.raises(SettingsError, match="EKTP_ENVIRONMENT"):
        load(Settings, "intake", {"EKTP_ENVIRONMENT": "staging"})


def test_the_configuration_table_hides_secret_defaults():
    rows = {row["variable"]: row for row in load(Settings, "intake", DEVELOPMENT).describe()}
    assert rows["EKTP_JWT_SECRET"]["default"] == ""
    assert rows["EKTP_BUS_RETRY_DELAYS"]["default"] == "1,5,30,120"


@dataclasses.dataclass(frozen=True)
class LinkingSettings(Settings):
    intake_link_secret: str = setting(DEVELOPMENT_SECRET, "intake's link key", secret=True)


def test_production_refuses_a_development_link_key_of_another_service_and_needs_none_for_a_service_serving_no_documents():
    keys = {"EKTP_ENVIRONMENT": "production", "EKTP_LOOKUP_KEY": "l" * 40, "EKTP_JWT_SECRET": "j" * 40,
            "EKTP_DATA_KEYS": "k1:" + base64.b64encode(b"d" * 32).decode(), "EKTP_EVENT_SIGNING_KEY": "s",
            "EKTP_EVENT_PUBLIC_KEYS": "verification:p"}
    with pytest.raises(SettingsError, match="set EKTP_INTAKE_LINK_SECRET \\("):
        load(LinkingSettings, "verification", keys)
    settings = load(LinkingSettings, "verification", {**keys, "EKTP_INTAKE_LINK_SECRET": "i" * 40})
    assert (settings.link_secret, settings.intake_link_secret) == ("", "i" * 40)
