from ektp_shared.web.errors import flatten


def test_nested_validation_messages_become_dotted_field_names():
    messages = {"applicant": {"address": {"rt": ["RT must be 3 digits"]}, "nik": ["bad"]}, "_schema": ["whole"]}
    assert sorted(flatten(messages)) == [("applicant.address.rt", "RT must be 3 digits"), ("applicant.nik", "bad"),
                                         ("body", "whole")]


def test_a_database_or_broker_outage_is_a_503_with_retry_after_and_a_bug_stays_a_500():
    import pytest
    from flask import Flask
    from kombu.exceptions import OperationalError as BrokerDown
    from sqlalchemy.exc import OperationalError as DatabaseDown

    from ektp_shared.web import errors

    app = Flask("t")
    errors.install(app)
    failures = {"database": DatabaseDown("SELECT 1", {}, ConnectionRefusedError("connection refused")),
                "broker": BrokerDown("connection refused"), "bug": KeyError("x")}

    @app.route("/<name>")
    def fail(name):
        raise failures[name]

    client = app.test_client()
    for name in ("database", "broker"):
        response = client.get(f"/{name}")
        assert response.status_code == 503 and response.headers["Retry-After"] == "5", name
        assert response.get_json()["code"] == "unavailable"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(errors.log, "exception", lambda *args, **kwargs: None)
        assert client.get("/bug").status_code == 500
