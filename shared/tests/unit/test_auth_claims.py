"""Reading roles and offices from an access token's claims: the configured client-roles path (never the realm's
roles), office codes as a list or one string, and development tokens shaped like the provider's."""
from __future__ import annotations

import jwt
import pytest

from ektp_shared.auth import Principal, claim_at, development_claims, issue_development_token, roles_claim
from ektp_shared.settings import DEVELOPMENT, Settings, load


def test_roles_are_read_at_the_client_roles_path_by_default():
    settings = load(Settings, "x", DEVELOPMENT)
    assert roles_claim(settings) == "resource_access.ektp.roles"
    claims = {"resource_access": {"ektp": {"roles": ["verifier"]}, "other": {"roles": ["admin"]}},
              "realm_access": {"roles": ["admin"]}}
    assert claim_at(claims, roles_claim(settings)) == ["verifier"]
    assert claim_at(claims, "resource_access.missing.roles") is None


def test_a_development_token_carries_roles_and_offices_where_the_services_read_them():
    settings = load(Settings, "x", {**DEVELOPMENT, "EKTP_JWT_CLIENT_ID": "ektp-services"})
    claims = development_claims(settings, "ana", ["verifier"], ["DISDUKCAPIL-3201"])
    assert claims["resource_access"] == {"ektp-services": {"roles": ["verifier"]}}
    assert claims["offices"] == ["DISDUKCAPIL-3201"]
    token = issue_development_token(settings, "ana", ["verifier"], offices=["DISDUKCAPIL-3201"])
    assert jwt.decode(token, options={"verify_signature": False})["offices"] == ["DISDUKCAPIL-3201"]


@pytest.mark.parametrize("roles, offices, office, serves", [
    ({"verifier"}, {"DISDUKCAPIL-3201"}, "DISDUKCAPIL-3201", True),
    ({"verifier"}, {"DISDUKCAPIL-3201"}, "DISDUKCAPIL-3273", False),
    ({"verifier"}, set(), "DISDUKCAPIL-3201", False),
    ({"admin"}, set(), "DISDUKCAPIL-3273", True),
    ({"supervisor"}, {"DISDUKCAPIL-3201"}, None, False),
])
def test_an_officer_serves_only_the_offices_of_the_token_unless_national(roles, offices, office, serves):
    officer = Principal("ana", frozenset(roles), offices=frozenset(offices))
    assert officer.serves(office) is serves
    assert (officer.office_scope is None) is ("admin" in roles)
