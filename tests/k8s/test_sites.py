"""The sites' manifests against the code. The portal runs its entry point, every variable it gets is one of its
settings, its secret key comes from a Secret the secrets script makes, it reaches intake through intake's Service
and nothing else, and only the ingress controller (and Prometheus) reach it. The officers' console runs its
entry point with the provider's sign-in in production, reaches the officer APIs it calls, and is never on the
citizens' public route."""
from __future__ import annotations

import importlib.util
from urllib.parse import urlsplit

from ektp_shared.settings import DEVELOPMENT_SECRET, PREFIX
from ektp_shared.site import discover_sites

from .test_against_code import (
    DNS,
    INGRESS,
    INTERNET,
    K8S,
    PROCESS_VARIABLES,
    PROMETHEUS,
    Endpoint,
    allowed,
    deployment,
    placeholder,
    pod,
    ports,
)

PORTAL = discover_sites()["portal"]


def test_the_portal_runs_its_entry_point_and_reads_every_variable_it_gets(manifests):
    _, container = deployment(manifests, "portal", "web")
    assert container["command"][-1] == "portal.wsgi:app"
    assert importlib.util.find_spec("portal.wsgi") is not None
    fields = set(PORTAL.settings_class.__dataclass_fields__) - {"service"}
    for variable in manifests.environment(container):
        if variable.startswith(PREFIX):
            name = variable.removeprefix(PREFIX).lower()
            assert name in fields or name.removeprefix("portal_") in fields, f"{variable} is no setting of the portal"
        else:
            assert variable in PROCESS_VARIABLES, variable


def test_the_portal_runs_in_production_with_its_own_key_and_https_only_cookies(manifests):
    _, container = deployment(manifests, "portal", "web")
    settings = PORTAL.load_settings(manifests.process_environment(container, placeholder))
    assert settings.environment == ("production" if manifests.overlay == "prod" else "development")
    assert settings.secret_key != DEVELOPMENT_SECRET and not isinstance(manifests.environment(container)["EKTP_SECRET_KEY"], str)
    assert settings.cookie_secure and settings.trusted_proxies == 1
    assert ports(container)["http"] == settings.http_port
    secrets_script = (K8S / "create_secrets.py").read_text()
    assert '"ektp-portal": {"secret-key"' in secrets_script


def test_the_portal_reaches_intake_through_its_service_and_nothing_else(manifests):
    _, container = deployment(manifests, "portal", "web")
    settings = PORTAL.load_settings(manifests.process_environment(container, placeholder))
    intake_service = manifests.get("Service", urlsplit(settings.intake_url).hostname)
    assert intake_service["spec"]["selector"] == {"app.kubernetes.io/name": "intake", "app.kubernetes.io/component": "api"}
    portal, intake_api = pod(manifests, "portal", "web"), pod(manifests, "intake", "api")
    assert allowed(manifests, portal, intake_api, 8080)
    assert allowed(manifests, portal, DNS, 53)
    for service in ("verification", "biometrics", "printing", "notify"):
        assert not allowed(manifests, portal, pod(manifests, service, "api"), 8080), f"portal -> {service}"
    assert not allowed(manifests, portal, INTERNET, 443)
    database = Endpoint({"cnpg.io/cluster": "intake-db", "cnpg.io/podRole": "instance"})
    assert not allowed(manifests, portal, database, 5432)


def test_only_the_ingress_controller_and_prometheus_reach_the_portal(manifests):
    portal = pod(manifests, "portal", "web")
    assert allowed(manifests, INGRESS, portal, 8080) and allowed(manifests, PROMETHEUS, portal, 8080)
    assert not allowed(manifests, pod(manifests, "notify", "worker"), portal, 8080)


CONSOLE = discover_sites()["console"]
# The proxies Envoy Gateway runs for each Gateway carry the Gateway's name.
OFFICE_PROXY = Endpoint({**INGRESS.labels, "gateway.envoyproxy.io/owning-gateway-name": "ektp-office"}, INGRESS.namespace)
PUBLIC_PROXY = Endpoint({**INGRESS.labels, "gateway.envoyproxy.io/owning-gateway-name": "ektp-public"}, INGRESS.namespace)


def test_the_console_runs_its_entry_point_and_reads_every_variable_it_gets(manifests):
    _, container = deployment(manifests, "console", "web")
    assert container["command"][-1] == "console.wsgi:app"
    assert importlib.util.find_spec("console.wsgi") is not None
    fields = set(CONSOLE.settings_class.__dataclass_fields__) - {"service"}
    for variable in manifests.environment(container):
        if variable.startswith(PREFIX):
            name = variable.removeprefix(PREFIX).lower()
            assert name in fields or name.removeprefix("console_") in fields, f"{variable} is no setting of the console"
        else:
            assert variable in PROCESS_VARIABLES, variable


def test_the_console_signs_officers_in_with_the_provider_in_production_and_keeps_its_keys_in_a_secret(manifests):
    _, container = deployment(manifests, "console", "web")
    settings = CONSOLE.load_settings(manifests.process_environment(container, placeholder))
    assert ports(container)["http"] == settings.http_port
    if manifests.overlay == "prod":
        assert settings.environment == "production" and settings.oidc_issuer.startswith("https://")
        assert settings.cookie_secure and settings.public_url.startswith("https://")
    else:
        assert settings.oidc_issuer == "", "the development cluster uses the development sign-in"
    environment = manifests.environment(container)
    for variable in ("EKTP_CONSOLE_SECRET_KEY", "EKTP_CONSOLE_OIDC_CLIENT_SECRET"):
        assert not isinstance(environment[variable], str), f"{variable} comes from a Secret"
    assert '"ektp-console": {"secret-key": token, "oidc-client-secret": token}' in (K8S / "create_secrets.py").read_text()


def test_the_console_reaches_the_officer_apis_it_calls_and_nothing_else_of_the_platform(manifests):
    _, container = deployment(manifests, "console", "web")
    settings = CONSOLE.load_settings(manifests.process_environment(container, placeholder))
    console = pod(manifests, "console", "web")
    for service, url in (("verification", settings.verification_url), ("biometrics", settings.biometrics_url),
                         ("printing", settings.printing_url)):
        found = manifests.get("Service", urlsplit(url).hostname)
        assert found["spec"]["selector"] == {"app.kubernetes.io/name": service, "app.kubernetes.io/component": "api"}
        assert allowed(manifests, console, pod(manifests, service, "api"), 8080), f"console -> {service}"
    assert allowed(manifests, console, DNS, 53) and allowed(manifests, console, INTERNET, 443), "the OIDC provider"
    for service in ("intake", "notify"):
        assert not allowed(manifests, console, pod(manifests, service, "api"), 8080), f"console -> {service}"
    database = Endpoint({"cnpg.io/cluster": "verification-db", "cnpg.io/podRole": "instance"})
    assert not allowed(manifests, console, database, 5432)


def test_the_console_is_never_on_the_citizens_public_route(manifests):
    console = pod(manifests, "console", "web")
    assert not allowed(manifests, PUBLIC_PROXY, console, 8080), "the public Gateway's proxies do not reach it"
    assert allowed(manifests, OFFICE_PROXY, console, 8080) and allowed(manifests, PROMETHEUS, console, 8080)
    assert not allowed(manifests, pod(manifests, "portal", "web"), console, 8080)
    public = [route for route in manifests.of("HTTPRoute")
              if any(parent["name"] == "ektp-public" for parent in route["spec"]["parentRefs"])]
    assert not any(backend["name"] == "console" for route in public for rule in route["spec"]["rules"]
                   for backend in rule.get("backendRefs", [])), "no public route leads to the console"
