"""The edge as rendered: which paths each Gateway's routes send to which Service, evaluated with Gateway API's
matching rules against the paths the apps really serve. No route reaches /metrics, /readyz, /healthz or
/v1/admin/*; citizens reach every portal page and intake's citizen API; officers reach the console and the
signed document links only through the office Gateway, which admits the offices' networks only; every HTTPS
listener has a cert-manager certificate for its host; every citizen-facing route is rate-limited."""
from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from ektp_shared.settings import DEVELOPMENT
from ektp_shared.site import discover_sites
from ektp_shared.web.app import create_app

from .test_against_code import INGRESS, SPECS, allowed, pod

PUBLIC, OFFICE = "ektp-public", "ektp-office"
OPERATIONS = re.compile(r"^/(metrics|readyz|healthz)$|^/v1/admin(/|$)")
SAMPLES = {"uuid": str(uuid.uuid4()), "int": "1", "path": "css/site.css"}


def sample(rule: str) -> str:
    """A concrete path for a Flask rule: each <converter:name> replaced by a value it accepts."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: SAMPLES.get(m.group(1) or "", m.group(2)), rule)


def path_matches(match: dict[str, Any], path: str, method: str) -> bool:
    """Gateway API HTTPRoute match semantics (PathPrefix element-wise, Exact, RegularExpression in full)."""
    if match.get("method", method) != method:
        return False
    kind, value = match.get("path", {}).get("type", "PathPrefix"), match.get("path", {}).get("value", "/")
    if kind == "Exact":
        return path == value
    if kind == "RegularExpression":
        return re.fullmatch(value, path) is not None
    prefix = value.rstrip("/")
    return path == value or path == prefix or path.startswith(prefix + "/")


def reached(manifests, gateway: str, host: str, path: str, method: str = "GET") -> set[str]:
    """The Services a request for host+path reaches through the Gateway (redirects reach none)."""
    found = set()
    for route in manifests.of("HTTPRoute"):
        if gateway not in {parent["name"] for parent in route["spec"]["parentRefs"]}:
            continue
        if host not in route["spec"].get("hostnames", [host]):
            continue
        for rule in route["spec"]["rules"]:
            if any(path_matches(match, path, method) for match in rule.get("matches", [{}])):
                found |= {backend["name"] for backend in rule.get("backendRefs", [])}
    return found


def hosts(manifests, gateway: str) -> list[str]:
    return [listener["hostname"] for listener in manifests.get("Gateway", gateway)["spec"]["listeners"]
            if "hostname" in listener]


_SERVED: dict[str, set[str]] = {}


@pytest.fixture
def served(runtime_factory) -> dict[str, set[str]]:
    """Every path (one sample per rule) each service API and each site answers (built once per session)."""
    if not _SERVED:
        for name, spec in SPECS.items():
            _SERVED[name] = {sample(rule.rule) for rule in create_app(runtime_factory(spec)).url_map.iter_rules()}
        for name, site in discover_sites().items():
            app = site.create_app(site.load_settings(DEVELOPMENT))
            _SERVED[name] = {sample(rule.rule) for rule in app.url_map.iter_rules()}
    return _SERVED


def test_no_route_of_either_gateway_reaches_metrics_probes_or_admin_endpoints(manifests, served):
    operations = {path for paths in served.values() for path in paths if OPERATIONS.search(path)}
    # The apps really serve these, so the check below is about live endpoints, not invented ones.
    assert {"/metrics", "/readyz", "/healthz", "/v1/admin/parking", "/v1/admin/parking/replay"} <= operations
    operations |= {"/v1/admin", "/v1/admin/", "/metrics/", "/v1/admin/cases/x/pause"}
    for gateway in (PUBLIC, OFFICE):
        for host in hosts(manifests, gateway):
            for method in ("GET", "POST"):
                leaks = {path: services for path in operations
                         if (services := reached(manifests, gateway, host, path, method))}
                assert leaks == {}, f"{manifests.overlay} {gateway} {host} {method}"


def test_citizens_reach_every_portal_page_and_the_citizen_api_and_nothing_for_officers(manifests, served):
    portal_host, api_host = hosts(manifests, PUBLIC)
    for path in served["portal"] - {p for p in served["portal"] if OPERATIONS.search(p)}:
        assert reached(manifests, PUBLIC, portal_host, path) == {"portal"}, path
    citizen_api = {p for p in served["intake"] if p.startswith(("/v1/citizen/", "/v1/applications"))}
    assert len(citizen_api) > 10
    for path in citizen_api:
        assert reached(manifests, PUBLIC, api_host, path, "POST") == {"intake"}, path
    # Officers' pages and links, and the other services' APIs, are not on the public Gateway at all.
    backends = {backend["name"] for route in manifests.of("HTTPRoute")
                if PUBLIC in {parent["name"] for parent in route["spec"]["parentRefs"]}
                for rule in route["spec"]["rules"] for backend in rule.get("backendRefs", [])}
    assert backends == {"portal", "intake"}
    for path in ("/v1/documents/" + SAMPLES["uuid"], "/v1/cases", "/verifikasi"):
        assert reached(manifests, PUBLIC, api_host, path) == reached(manifests, PUBLIC, portal_host, path) == set(), path


def test_officers_reach_the_console_and_the_signed_links_through_the_office_gateway_only(manifests, served):
    console, intake, biometrics = hosts(manifests, OFFICE)
    for path in served["console"] - {p for p in served["console"] if OPERATIONS.search(p)}:
        assert reached(manifests, OFFICE, console, path) == {"console"}, path
    # The links verification signs (verification/views.py), for routes intake and biometrics serve.
    assert "/v1/documents/document_id" in served["intake"]
    assert "/v1/enrolments/application_id/portrait" in served["biometrics"]
    document, portrait = f"/v1/documents/{SAMPLES['uuid']}", f"/v1/enrolments/{SAMPLES['uuid']}/portrait"
    assert reached(manifests, OFFICE, intake, document) == {"intake"}
    assert reached(manifests, OFFICE, biometrics, portrait) == {"biometrics"}
    # Only the links: not the rest of those APIs, and not for writing.
    assert reached(manifests, OFFICE, intake, document, "DELETE") == set()
    assert reached(manifests, OFFICE, intake, f"/v1/applications/{SAMPLES['uuid']}") == set()
    assert reached(manifests, OFFICE, biometrics, f"/v1/enrolments/{SAMPLES['uuid']}") == set()
    # The office Gateway refuses every client outside the offices' networks.
    guards = [policy["spec"]["authorization"] for policy in manifests.of("SecurityPolicy")
              if {"kind": "Gateway", "name": OFFICE} in [{k: ref[k] for k in ("kind", "name")} for ref in policy["spec"]["targetRefs"]]]
    assert len(guards) == 1 and guards[0]["defaultAction"] == "Deny"
    assert all(rule["action"] == "Allow" and rule["principal"]["clientCIDRs"] for rule in guards[0]["rules"])


def test_every_https_listener_has_a_cert_manager_certificate_for_its_host(manifests):
    certificates = {cert["spec"]["secretName"]: cert["spec"] for cert in manifests.of("Certificate")}
    issuers = {issuer["metadata"]["name"] for issuer in manifests.of("Issuer")}
    for gateway in manifests.of("Gateway"):
        for listener in gateway["spec"]["listeners"]:
            name = f"{gateway['metadata']['name']}/{listener['name']}"
            if listener["protocol"] == "HTTP":
                # Plain HTTP carries no route to a Service: only the redirect to HTTPS.
                assert all(not rule.get("backendRefs") for route in manifests.of("HTTPRoute")
                           for parent in route["spec"]["parentRefs"] if parent.get("sectionName") == listener["name"]
                           and parent["name"] == gateway["metadata"]["name"] for rule in route["spec"]["rules"]), name
                continue
            assert listener["protocol"] == "HTTPS" and listener["tls"]["mode"] == "Terminate", name
            ref, = listener["tls"]["certificateRefs"]
            certificate = certificates[ref["name"]]
            assert listener["hostname"] in certificate["dnsNames"], name
            assert certificate["issuerRef"]["kind"] == "Issuer" and certificate["issuerRef"]["name"] in issuers, name
    minimum = {ref["name"]: policy["spec"]["tls"]["minVersion"] for policy in manifests.of("ClientTrafficPolicy")
               for ref in policy["spec"]["targetRefs"]}
    assert minimum == {PUBLIC: "1.2", OFFICE: "1.2"}


def test_every_route_to_a_service_is_rate_limited_per_client_address(manifests):
    limited = set()
    for policy in manifests.of("BackendTrafficPolicy"):
        rules = policy["spec"]["rateLimit"]["global"]["rules"]
        assert all(selector["sourceCIDR"]["type"] == "Distinct" for rule in rules for selector in rule["clientSelectors"])
        limited |= {(ref["kind"], ref["name"]) for ref in policy["spec"]["targetRefs"]}
    for route in manifests.of("HTTPRoute"):
        if any(rule.get("backendRefs") for rule in route["spec"]["rules"]):
            gateways = {("Gateway", parent["name"]) for parent in route["spec"]["parentRefs"]}
            assert ("HTTPRoute", route["metadata"]["name"]) in limited or gateways <= limited, route["metadata"]["name"]


def test_the_gateway_reaches_the_pods_its_routes_name_and_routes_attach_to_listeners_that_exist(manifests):
    for route in manifests.of("HTTPRoute"):
        for parent in route["spec"]["parentRefs"]:
            listeners = {listener["name"]: listener for listener in manifests.get("Gateway", parent["name"])["spec"]["listeners"]}
            listener = listeners[parent["sectionName"]]
            if "hostname" in listener:
                assert route["spec"]["hostnames"] == [listener["hostname"]], route["metadata"]["name"]
        for rule in route["spec"]["rules"]:
            for backend in rule.get("backendRefs", []):
                name = backend["name"]
                if name == "console" and not [s for s in manifests.of("Service") if s["metadata"]["name"] == "console"]:
                    continue  # the console's own manifests come with issue 11
                service = manifests.get("Service", name)
                assert backend["port"] in {port["port"] for port in service["spec"]["ports"]}, name
                component = service["spec"]["selector"]["app.kubernetes.io/component"]
                if name in SPECS or name == "portal":
                    assert allowed(manifests, INGRESS, pod(manifests, name, component), 8080), name


def test_a_misspelt_route_match_fails_validation(manifests, validator):
    route = manifests.get("HTTPRoute", "portal")
    broken = {**route, "spec": {**route["spec"], "rules": [{"matches": [{"path": {"type": "Prefix", "value": "/"}}],
                                                           "backendRefs": [{"name": "portal", "port": 80}]}]}}
    assert any("Prefix" in error for error in validator(broken))
    assert validator(route) == []
