"""Encryption in transit in the production overlay, checked against what the code reads: every service talks
amqps to the broker and verifies its certificate against the CA that signs it, reaches its database with
sslmode=verify-full against CloudNativePG's CA, the object store over https, the printers over ipps and the SMSC
over TLS. The real profile's tests run the same settings against TLS servers (tests/test_real_profile.py)."""
from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

import pytest

from ektp_shared.service import discover

SPECS = discover()


@pytest.fixture(scope="module")
def prod(all_manifests):
    return next(manifests for manifests in all_manifests if manifests.overlay == "prod")


def secret(variable: str, ref) -> str:
    return {"DB_USERNAME": "user", "DB_PASSWORD": "password", "AMQP_USERNAME": "user", "AMQP_PASSWORD": "password"}.get(
        variable, "c2VjcmV0LXZhbHVlLW9mLTMyLWJ5dGVzLWxvbmctLS0tLS0=")


def pod_spec(manifests, kind: str, name: str) -> dict:
    return manifests.get(kind, name)["spec"]["template"]["spec"]


def mounted_secret(pod: dict, container: dict, path: str) -> tuple[str, str]:
    """The Secret and key a file the container reads comes from (the test fails if it is not mounted)."""
    file = PurePosixPath(path)
    mount = next((m for m in container.get("volumeMounts", []) if PurePosixPath(m["mountPath"]) == file.parent), None)
    assert mount is not None, f"{container['name']}: nothing mounted at {file.parent}"
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    item = next(i for i in volume["secret"]["items"] if i["path"] == file.name)
    return volume["secret"]["secretName"], item["key"]


def workloads(service: str):
    yield "Deployment", f"{service}-api", True
    yield "Deployment", f"{service}-worker", True
    yield "Job", f"{service}-migrate", False


@pytest.mark.parametrize("service", sorted(SPECS))
def test_every_container_reaches_its_database_with_verify_full_against_the_clusters_ca(prod, service):
    for kind, name, _ in workloads(service):
        pod = pod_spec(prod, kind, name)
        for container in pod.get("initContainers", []) + pod["containers"]:
            environment = prod.process_environment(container, secret)
            url = urlsplit(environment["EKTP_DATABASE_URL"])
            query = parse_qs(url.query)
            assert query["sslmode"] == ["verify-full"], f"{name}/{container['name']}"
            assert url.hostname == f"{service}-db-rw"  # a name the CloudNativePG server certificate carries
            # The CA CloudNativePG makes for this cluster (Secret <cluster>-ca, key ca.crt); only the certificate.
            assert mounted_secret(pod, container, query["sslrootcert"][0]) == (f"{service}-db-ca", "ca.crt")
        assert prod.get("Cluster", f"{service}-db")


@pytest.mark.parametrize("service", sorted(SPECS))
def test_every_service_speaks_amqps_to_the_broker_and_verifies_it_against_the_ca_that_signs_it(prod, service):
    cluster = prod.get("RabbitmqCluster", "ektp-rabbitmq")
    served = prod.get("Certificate", cluster["spec"]["tls"]["secretName"])  # the broker's certificate
    assert served["spec"]["secretName"] == cluster["spec"]["tls"]["secretName"]
    issuer = prod.get("Issuer", served["spec"]["issuerRef"]["name"])
    authority = prod.get("Certificate", issuer["spec"]["ca"]["secretName"])
    assert authority["spec"]["isCA"] and authority["spec"]["secretName"] == issuer["spec"]["ca"]["secretName"]
    for _, name, uses_broker in workloads(service):
        if not uses_broker:
            continue
        pod = pod_spec(prod, "Deployment", name)
        container = pod["containers"][0]
        settings = SPECS[service].load_settings(prod.process_environment(container, secret))
        broker = urlsplit(settings.broker_url)
        assert (broker.scheme, broker.port) == ("amqps", 5671), name
        assert broker.hostname in served["spec"]["dnsNames"], name
        # The CA file is the internal CA's certificate (never its key, nor the broker's key).
        assert mounted_secret(pod, container, settings.broker_ca_file) == (authority["spec"]["secretName"], "ca.crt")
        # The object store over https, verified against the same CA file.
        assert settings.s3_secure and settings.s3_ca_file == settings.broker_ca_file, name


def test_the_s3_gateway_serves_https_with_a_certificate_the_internal_ca_signs_for_its_name(prod):
    container = prod.get("Deployment", "intake-api")["spec"]["template"]["spec"]["containers"][0]
    endpoint = urlsplit("//" + SPECS["intake"].load_settings(prod.process_environment(container, secret)).s3_endpoint)
    served = next(c for c in prod.of("Certificate") if endpoint.hostname in c["spec"].get("dnsNames", []))
    assert served["spec"]["issuerRef"]["name"] == "ektp-internal-ca"
    gateway = prod.get("Seaweed", "ektp-objects")["spec"]["s3"]
    mounts = {m["name"]: m["mountPath"] for m in gateway["volumeMounts"]}
    volume = next(v for v in gateway["volumes"] if v.get("secret", {}).get("secretName") == served["spec"]["secretName"])
    assert f"-cert.file={mounts[volume['name']]}/tls.crt" in gateway["extraArgs"]
    assert f"-key.file={mounts[volume['name']]}/tls.key" in gateway["extraArgs"]


def test_printers_are_reached_over_ipps_and_the_smsc_and_mail_relay_over_tls(prod):
    printing = prod.get("Deployment", "printing-worker")["spec"]["template"]["spec"]["containers"][0]
    settings = SPECS["printing"].load_settings(prod.process_environment(printing, secret))
    assert all(uri.strip().startswith("ipps://") for uri in settings.printer_uri.split(","))
    notify = prod.get("Deployment", "notify-worker")["spec"]["template"]["spec"]["containers"][0]
    settings = SPECS["notify"].load_settings(prod.process_environment(notify, secret))
    assert settings.smpp_tls and settings.smpp_port != 2775
    assert settings.smtp_security in {"starttls", "tls"}
    assert settings.sms_gateway_url.startswith("https://")


def test_development_keeps_the_clear_wiring_of_its_in_cluster_test_servers(all_manifests):
    dev = next(manifests for manifests in all_manifests if manifests.overlay == "dev")
    container = dev.get("Deployment", "intake-api")["spec"]["template"]["spec"]["containers"][0]
    assert urlsplit(dev.process_environment(container, secret)["EKTP_BROKER_URL"]).scheme == "amqp"
    assert not any(c["metadata"]["name"] in {"ektp-internal-ca", "ektp-rabbitmq-tls"} for c in dev.of("Certificate"))
