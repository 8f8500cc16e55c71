"""The payment gateway reaches intake's webhook through the public Gateway (POST only); the fee table, an
admin endpoint, is on no route."""
from __future__ import annotations

from .test_edge import OFFICE, PUBLIC, hosts, reached

WEBHOOK = "/v1/payments/midtrans/notification"


def test_the_gateway_s_notifications_reach_intake_and_the_fee_table_is_on_no_route(manifests):
    _, api_host = hosts(manifests, PUBLIC)
    assert reached(manifests, PUBLIC, api_host, WEBHOOK, "POST") == {"intake"}
    assert reached(manifests, PUBLIC, api_host, WEBHOOK, "GET") == set()
    for gateway in (PUBLIC, OFFICE):
        for host in hosts(manifests, gateway):
            for method in ("GET", "PUT"):
                assert reached(manifests, gateway, host, "/v1/admin/fees/32.01/replacement_lost", method) == set()
