from ektp_shared.web.errors import flatten


def test_nested_validation_messages_become_dotted_field_names():
    messages = {"applicant": {"address": {"rt": ["RT must be 3 digits"]}, "nik": ["bad"]}, "_schema": ["whole"]}
    assert sorted(flatten(messages)) == [("applicant.address.rt", "RT must be 3 digits"), ("applicant.nik", "bad"),
                                         ("body", "whole")]
