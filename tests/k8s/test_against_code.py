"""The manifests against the code they deploy: entry points, probes, ports and settings the services
really have, the broker topology they really declare, the queues KEDA watches, the Secrets the pods
reference. A rename in the code (a setting, a queue, an event type) fails here, not in a cluster."""
from __future__ import annotations

import base64
import importlib.util
import inspect
import re
import secrets
from dataclasses import astuple
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from ektp_shared import gunicorn_conf, metrics
from ektp_shared.bus.permissions import permissions_of
from ektp_shared.bus.signatures import new_key
from ektp_shared.bus.topology import EXCHANGE_TYPE, Topology
from ektp_shared.contracts import CATALOG
from ektp_shared.crypto import Cipher
from ektp_shared.service import Runtime, discover
from ektp_shared.settings import DEVELOPMENT_DATA_KEY, DEVELOPMENT_SECRET, PREFIX
from ektp_shared.web.app import create_app
from ektp_shared.worker import Worker, probes_app

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SPECS = discover()
# Defaults that only make sense on a developer's machine: a pod must never fall back on them.
LOCAL_ONLY = re.compile(r"127\.0\.0\.1|localhost|memory://|sqlite")
# Variables that are not settings but are read by gunicorn's config or prometheus_client, or only
# compose other values ($(DB_PASSWORD) in EKTP_DATABASE_URL).
HELPER_VARIABLES = {"DB_USERNAME", "DB_PASSWORD", "AMQP_USERNAME", "AMQP_PASSWORD"}
PROCESS_VARIABLES = {"GUNICORN_WORKERS": gunicorn_conf, "GUNICORN_THREADS": gunicorn_conf, "PROMETHEUS_MULTIPROC_DIR": metrics}


def deployment(manifests, service: str, component: str) -> tuple[dict[str, Any], dict[str, Any]]:
    pod = manifests.get("Deployment", f"{service}-{component}")["spec"]["template"]["spec"]
    return pod, next(c for c in pod["containers"] if c["name"] == component)


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return pod.get("initContainers", []) + pod["containers"]


def ports(container: dict[str, Any]) -> dict[str, int]:
    return {port["name"]: port["containerPort"] for port in container.get("ports", [])}


def placeholder(variable: str, ref: Any) -> str:
    """A value of the right shape for a Secret reference; never a development secret."""
    if variable == "EKTP_DATA_KEYS":
        return "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    if variable == "EKTP_EVENT_SIGNING_KEY":
        return new_key()[0]
    if variable == "EKTP_EVENT_PUBLIC_KEYS":
        return ",".join(f"{service}:{new_key()[1]}" for service in SPECS)
    return f"{ref.key}-{secrets.token_hex(8)}"


def variable_field(variable: str, service: str, fields: set[str]) -> str | None:
    """The settings field a variable sets (plain EKTP_<NAME> or service-specific EKTP_<SERVICE>_<NAME>)."""
    name = variable.removeprefix(PREFIX).lower()
    if name.startswith(f"{service}_") and name.removeprefix(f"{service}_") in fields:
        return name.removeprefix(f"{service}_")
    return name if name in fields else None


def topology(manifests, service: str) -> Topology:
    """The topology the service's worker declares, built as the worker builds it, from the settings its
    pod gets (nothing connects: engines and broker connections are lazy)."""
    spec = SPECS[service]
    _, container = deployment(manifests, service, "worker")
    runtime = Runtime.build(spec, spec.load_settings(manifests.process_environment(container, placeholder)))
    runtime.dispose()
    return runtime.topology


# -- entry points and probes -------------------------------------------------------------------------

@pytest.mark.parametrize("service", SPECS)
def test_commands_run_the_services_entry_points(manifests, service):
    _, api = deployment(manifests, service, "api")
    assert api["command"] == ["gunicorn", "-c", "python:ektp_shared.gunicorn_conf", f"{service}.wsgi:app"]
    _, worker = deployment(manifests, service, "worker")
    assert worker["command"] == ["python", "-m", f"{service}.worker"]
    job = manifests.get("Job", f"{service}-migrate")["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["python", "-m", "ektp_shared.migrations", service, "upgrade", "head"]
    for component in ("api", "worker"):
        pod, _ = deployment(manifests, service, component)
        wait = next(c for c in pod["initContainers"] if c["name"] == "wait-for-schema")
        assert f"python -m ektp_shared.migrations {service} current --check-heads" in wait["command"][-1]
    for module in (f"{service}.wsgi", f"{service}.worker", "ektp_shared.migrations", "ektp_shared.gunicorn_conf"):
        assert importlib.util.find_spec(module) is not None, module


@pytest.mark.parametrize("service", SPECS)
def test_api_probes_ask_paths_the_app_answers(service, all_manifests, runtime_factory):
    client = create_app(runtime_factory(SPECS[service])).test_client()
    for manifests in all_manifests:
        _, api = deployment(manifests, service, "api")
        settings = SPECS[service].load_settings(manifests.process_environment(api, placeholder))
        assert ports(api) == {"http": settings.http_port}
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            get = api[probe]["httpGet"]
            assert get["port"] == "http"
            response = client.get(get["path"])
            assert response.status_code == 200, f"{manifests.overlay} {probe} {get['path']}: {response.status_code}"


@pytest.mark.parametrize("service", SPECS)
def test_worker_probes_ask_the_probe_server_the_worker_starts(manifests, service, runtime_factory):
    _, container = deployment(manifests, service, "worker")
    environment = manifests.process_environment(container, placeholder)
    settings = SPECS[service].load_settings(environment)
    worker = Worker(runtime_factory(SPECS[service]))
    worker.start()
    try:
        served = Client(probes_app(worker))  # what ektp_shared.worker.run serves on worker_metrics_port
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            get = container[probe]["httpGet"]
            assert ports(container)[get["port"]] == settings.worker_metrics_port
            response = served.get(get["path"])
            assert response.status_code == 200, (probe, response.data)
        assert {container[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe")} == {"/healthz", "/readyz"}
        assert b"# HELP" in served.get("/metrics").data
    finally:
        worker.stop(timeout=10)


# -- settings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("service", SPECS)
def test_every_variable_a_pod_gets_is_read_by_the_code(manifests, service):
    fields = {field.name for field in SPECS[service].settings_class.__dataclass_fields__.values()} - {"service"}
    pods = [manifests.get("Deployment", f"{service}-{c}")["spec"]["template"]["spec"] for c in ("api", "worker")]
    pods.append(manifests.get("Job", f"{service}-migrate")["spec"]["template"]["spec"])
    for pod in pods:
        for container in containers(pod):
            for variable in manifests.environment(container):
                if variable.startswith(PREFIX):
                    assert variable_field(variable, service, fields), f"{service}/{container['name']}: {variable} is no setting"
                elif variable in PROCESS_VARIABLES:
                    assert variable in inspect.getsource(PROCESS_VARIABLES[variable]), variable
                else:
                    assert variable in HELPER_VARIABLES, f"{service}/{container['name']}: unexpected {variable}"


@pytest.mark.parametrize("service", SPECS)
def test_secrets_reach_the_pods_only_through_secret_references(manifests, service):
    settings_class = SPECS[service].settings_class
    secret_fields = {f.name for f in settings_class.__dataclass_fields__.values() if f.metadata.get("secret")}
    for configmap in manifests.of("ConfigMap"):
        leaked = {v for v in configmap.get("data", {}) if v.startswith(PREFIX) and
                  variable_field(v, service, secret_fields)}
        assert not leaked, f"{configmap['metadata']['name']} holds secrets {leaked}"
    # The values production checks (ektp_shared.settings: uses_development_secrets) must always be given:
    # among the link keys, those the service has a development default for (its own if it serves documents,
    # those of the services it links to).
    required = {"data_keys", "lookup_key", "jwt_secret", "event_signing_key", "event_public_keys"}
    required |= {f.name for f in settings_class.__dataclass_fields__.values()
                 if f.name.endswith("link_secret") and f.default == DEVELOPMENT_SECRET}
    for component in ("api", "worker"):
        _, container = deployment(manifests, service, component)
        environment = manifests.environment(container)
        for field in secret_fields:
            variable = PREFIX + field.upper()
            if variable in environment:
                value = environment[variable]
                assert not isinstance(value, str), f"{service}-{component}: {variable} is a literal value"
                assert field not in required or not value.optional, f"{variable} must not be optional"
            else:
                assert field not in required, f"{service}-{component}: {variable} is not set"


@pytest.mark.parametrize("service", SPECS)
def test_settings_load_and_point_into_the_cluster(manifests, service):
    spec = SPECS[service]
    fields = spec.settings_class.__dataclass_fields__
    for component in ("api", "worker"):
        pod, container = deployment(manifests, service, component)
        environment = manifests.process_environment(container, placeholder)
        # In production this raises if any development secret or key were in use.
        settings = spec.load_settings(environment)
        where = f"{manifests.overlay} {service}-{component}"
        assert settings.environment == ("production" if manifests.overlay == "prod" else "development"), where
        assert DEVELOPMENT_SECRET not in (settings.lookup_key, settings.link_secret, settings.jwt_secret), where
        for name in {f for f in fields if f.endswith("link_secret")}:
            assert getattr(settings, name) != DEVELOPMENT_SECRET, f"{where}: {name}"
        assert DEVELOPMENT_DATA_KEY not in settings.data_keys, where

        database = urlsplit(settings.database_url)
        assert (database.scheme, database.hostname, database.port, database.path) == \
            ("postgresql+psycopg", f"{service}-db-rw", 5432, f"/{service}"), where
        cluster = manifests.get("Cluster", f"{service}-db")
        assert cluster["spec"]["bootstrap"]["initdb"] == {"database": service, "owner": service}

        broker = urlsplit(settings.broker_url)
        expected = ("amqps", "ektp-rabbitmq", 5671, "//") if manifests.overlay == "prod" else ("amqp", "ektp-rabbitmq", 5672, "//")
        assert (broker.scheme, broker.hostname, broker.port, broker.path) == expected, where  # prod's TLS: test_tls.py
        manifests.get("RabbitmqCluster", broker.hostname)

        # The S3 gateway Service the operator makes for the Seaweed ektp-objects: <name>-s3, port 8333.
        assert settings.s3_endpoint == "ektp-objects-s3:8333", where
        assert settings.s3_secure == (manifests.overlay == "prod"), where  # https in production: test_tls.py
        manifests.get("Seaweed", "ektp-objects")
        manifests.get("Bucket", settings.s3_bucket)
        credentials = manifests.get("S3Credentials", f"ektp-{service}")["spec"]
        for variable, field in (("EKTP_S3_ACCESS_KEY", "accessKey"), ("EKTP_S3_SECRET_KEY", "secretKey")):
            assert astuple(manifests.environment(container)[variable])[:2] == (credentials["secretRef"]["name"], field), where

        limits = urlsplit(settings.rate_limit_storage_uri)
        store = manifests.get("Service", limits.hostname)
        assert limits.scheme == "redis" and limits.port in {port["port"] for port in store["spec"]["ports"]}, where
        assert manifests.get("Deployment", limits.hostname)["spec"]["selector"]["matchLabels"] == store["spec"]["selector"]

        assert settings.http_host == "0.0.0.0", where
        if component == "api":
            assert ports(container)["http"] == settings.http_port
        else:
            assert ports(container)["metrics"] == settings.worker_metrics_port
            assert settings.data_dir in {m["mountPath"] for m in container["volumeMounts"]}, where

        for name, field in fields.items():
            if name == "service" or variable_field(PREFIX + name.upper(), service, set(fields)) is None:
                continue
            if PREFIX + name.upper() not in environment:
                assert not LOCAL_ONLY.search(str(field.default)), f"{where}: {name} falls back on {field.default!r}"
            else:
                assert not LOCAL_ONLY.search(str(getattr(settings, name))) or manifests.overlay == "dev", \
                    f"{where}: {name} = {getattr(settings, name)!r}"


def test_printing_reaches_the_biometrics_api_through_its_service(manifests):
    _, container = deployment(manifests, "printing", "worker")
    settings = SPECS["printing"].load_settings(manifests.process_environment(container, placeholder))
    url = urlsplit(settings.biometrics_url)
    service = manifests.get("Service", url.hostname)
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "biometrics", "app.kubernetes.io/component": "api"}
    assert (url.port or 80) in {port["port"] for port in service["spec"]["ports"]}


def test_production_sends_real_messages_and_prints_on_real_printers(all_manifests):
    prod = next(manifests for manifests in all_manifests if manifests.overlay == "prod")
    _, notify = deployment(prod, "notify", "worker")
    settings = SPECS["notify"].load_settings(prod.process_environment(notify, placeholder))
    assert "folder" not in settings.email_providers.split(",") + settings.sms_providers.split(",")
    assert settings.jwt_jwks_url.startswith("https://")
    _, printing = deployment(prod, "printing", "worker")
    settings = SPECS["printing"].load_settings(prod.process_environment(printing, placeholder))
    assert not LOCAL_ONLY.search(settings.printer_uri)
    assert settings.development_stock == 0


# -- scaling -----------------------------------------------------------------------------------------

def test_every_api_scales_on_cpu_and_every_worker_on_its_own_queue(manifests):
    namespace = manifests.get("Namespace", "ektp")["metadata"]["name"]
    for service in SPECS:
        hpa = manifests.get("HorizontalPodAutoscaler", f"{service}-api")["spec"]
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{service}-api"}
        assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]

        scaled = manifests.get("ScaledObject", f"{service}-worker")["spec"]
        assert scaled["scaleTargetRef"] == {"name": f"{service}-worker"}
        manifests.get("Deployment", scaled["scaleTargetRef"]["name"])
        # The worker also relays the outbox and runs periodic tasks: it must never scale to zero.
        assert scaled["minReplicaCount"] >= 1
        (trigger,) = scaled["triggers"]
        declared = topology(manifests, service)
        assert trigger["type"] == "rabbitmq"
        assert trigger["metadata"]["queueName"] == declared.queue
        assert trigger["metadata"]["queueName"] in {queue.name for queue in declared.queues()}
        # http: the management API counts unacknowledged messages too.
        assert trigger["metadata"]["protocol"] == "http" and trigger["metadata"]["mode"] == "QueueLength"
        host = urlsplit(trigger["metadata"]["host"])
        cluster, _, rest = host.hostname.partition(".")
        assert (cluster, rest, host.port) == ("ektp-rabbitmq", f"{namespace}.svc", 15672), "KEDA runs in its own namespace"
        manifests.get("RabbitmqCluster", cluster)
        queue = next(q for q in manifests.of("Queue") if q["spec"]["name"] == declared.queue)
        assert trigger["metadata"]["vhostName"] == queue["spec"]["vhost"]
        auth = manifests.get("TriggerAuthentication", trigger["authenticationRef"]["name"])["spec"]
        user = {ref["name"].removesuffix("-user-credentials") for ref in auth["secretTargetRef"]}
        assert len(user) == 1 and "monitoring" in manifests.get("User", user.pop())["spec"]["tags"]
        # A pod picked for removal gets SIGTERM and finishes its message: scale down gently.
        behavior = scaled["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
        assert behavior["stabilizationWindowSeconds"] >= 300


def test_workers_get_longer_to_stop_than_their_own_shutdown_takes(manifests):
    worker_stop = inspect.signature(Worker.stop).parameters["timeout"].default
    for service in SPECS:
        pod, _ = deployment(manifests, service, "worker")
        assert pod["terminationGracePeriodSeconds"] > worker_stop, service
        pod, api = deployment(manifests, service, "api")
        pre_stop = int(api["lifecycle"]["preStop"]["exec"]["command"][-1])
        assert pod["terminationGracePeriodSeconds"] > pre_stop + gunicorn_conf.graceful_timeout, service


# -- broker topology ---------------------------------------------------------------------------------

def test_topology_resources_are_exactly_what_the_services_declare(manifests):
    expected_queues, expected_bindings, exchanges = {}, set(), {}
    for service in SPECS:
        declared = topology(manifests, service)
        exchanges[declared.exchange] = EXCHANGE_TYPE
        exchanges[declared.retry_exchange] = EXCHANGE_TYPE
        for queue in declared.queues():
            expected_queues[queue.name] = queue.arguments
            expected_bindings |= {(queue.exchange, queue.name, key) for key in queue.routing_keys}
            expected_bindings |= {(exchange, queue.name, key) for exchange, key in queue.also}
    queues = {}
    for doc in manifests.of("Queue"):
        spec = doc["spec"]
        assert (spec["durable"], spec.get("autoDelete", False), spec["vhost"]) == (True, False, "/"), spec["name"]
        # The operator turns `type` into the x-queue-type argument.
        queues[spec["name"]] = {**spec.get("arguments", {}), "x-queue-type": spec["type"]}
    stale = "deploy/k8s/base/messaging/topology.yaml is stale: run python deploy/k8s/render_topology.py"
    assert queues == expected_queues, stale
    bindings = {(b["spec"]["source"], b["spec"]["destination"], b["spec"]["routingKey"]) for b in manifests.of("Binding")}
    assert all(b["spec"]["destinationType"] == "queue" for b in manifests.of("Binding"))
    assert bindings == expected_bindings, stale
    assert {e["spec"]["name"]: e["spec"]["type"] for e in manifests.of("Exchange")} == exchanges
    assert all(e["spec"]["durable"] and not e["spec"]["autoDelete"] for e in manifests.of("Exchange"))


def test_dead_letter_policies_state_the_queue_arguments(manifests):
    policies = manifests.of("Policy")
    for service in SPECS:
        main = topology(manifests, service).queues()[0]
        matching = [p["spec"] for p in policies if re.search(p["spec"]["pattern"], main.name)]
        assert len(matching) == 1, service
        (policy,) = matching
        assert policy["definition"] == {"dead-letter-exchange": main.arguments["x-dead-letter-exchange"],
                                        "dead-letter-routing-key": main.arguments["x-dead-letter-routing-key"],
                                        "delivery-limit": main.arguments["x-delivery-limit"]}
        others = [q.name for s in SPECS if s != service for q in topology(manifests, s).queues()]
        others += [q.name for q in topology(manifests, service).queues()[1:]]
        assert not any(re.search(policy["pattern"], name) for name in others), service


def test_each_service_account_on_the_broker_reaches_only_its_own_queues(manifests):
    permissions = {p["spec"]["userReference"]["name"]: p["spec"]["permissions"] for p in manifests.of("Permission")}
    for service in SPECS:
        declared = topology(manifests, service)
        allowed = permissions[service]

        def may(action: str, name: str, allowed: dict[str, str] = allowed) -> bool:
            return re.fullmatch(allowed[action], name) is not None

        own = [queue.name for queue in declared.queues()]
        for exchange in (declared.exchange, declared.retry_exchange):
            assert may("configure", exchange) and may("write", exchange) and may("read", exchange), exchange
        for queue in own:  # declare, bind (write), consume and inspect the parking lot (read)
            assert may("configure", queue) and may("write", queue) and may("read", queue), queue
        assert not may("write", "amq.default"), "the default exchange would reach any queue by name"
        assert allowed == dict(zip(("configure", "write", "read"), astuple(permissions_of(declared))[:3]))
        topics = {t["spec"]["permissions"]["exchange"]: t["spec"]["permissions"] for t in manifests.of("TopicPermission")
                  if t["spec"]["userReference"]["name"] == service}
        events = topics[declared.exchange]["write"]
        produced = {c.type for c in CATALOG.values() if c.producer == service}
        for contract in CATALOG.values():
            assert (re.fullmatch(events, contract.type) is not None) == (contract.type in produced), (service, contract.key)
        assert re.fullmatch(topics[declared.retry_exchange]["write"], declared.parking_queue)
        for other in SPECS:
            if other != service:
                assert not re.fullmatch(topics[declared.retry_exchange]["write"], topology(manifests, other).parking_queue)
        for other in SPECS:
            if other != service:
                for queue in topology(manifests, other).queues():
                    assert not any(may(action, queue.name) for action in allowed), f"{service} reaches {queue.name}"
        for component in ("api", "worker"):
            _, container = deployment(manifests, service, component)
            user_secret = manifests.environment(container)["AMQP_USERNAME"].name
            assert user_secret == f"{service}-user-credentials"
            manifests.get("User", service)


# -- secrets -----------------------------------------------------------------------------------------

def secret_references(manifests) -> set[tuple[str, str, bool]]:
    found = set()
    for _, pod in manifests.pod_specs():
        for container in containers(pod):
            for value in manifests.environment(container).values():
                if not isinstance(value, str):
                    found.add((value.name, value.key, value.optional))
    for auth in manifests.of("TriggerAuthentication"):
        found |= {(ref["name"], ref["key"], False) for ref in auth["spec"]["secretTargetRef"]}
    for store in manifests.of("ObjectStore"):
        credentials = store["spec"]["configuration"]["s3Credentials"]
        found |= {(ref["name"], ref["key"], False) for ref in credentials.values()}
    return found


def load_create_secrets():
    spec = importlib.util.spec_from_file_location("create_secrets", K8S / "create_secrets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_secret_a_manifest_names_is_made_by_an_operator_or_the_secrets_script(manifests):
    script = load_create_secrets()
    made = {(name, key) for name, keys in script.plan().items() for key in keys}
    generated = {(f"{c['metadata']['name']}-app", key) for c in manifests.of("Cluster") for key in ("username", "password")}
    generated |= {(f"{u['metadata']['name']}-user-credentials", key) for u in manifests.of("User")
                  for key in ("username", "password")}
    generated |= {(c["spec"]["secretRef"]["name"], key) for c in manifests.of("S3Credentials")
                  for key in ("accessKey", "secretKey")}
    # Only the operator of the installation has these: the external backup store's keys.
    provided = {("ektp-db-backup-s3", "ACCESS_KEY_ID"), ("ektp-db-backup-s3", "ACCESS_SECRET_KEY")}
    missing = {(name, key) for name, key, optional in secret_references(manifests)
               if not optional and (name, key) not in made | generated | provided}
    assert missing == set()
    referenced = {(name, key) for name, key, _ in secret_references(manifests)}
    assert made <= referenced, f"the script makes secrets nothing uses: {made - referenced}"


def test_the_secrets_script_makes_values_the_services_accept():
    script = load_create_secrets()
    plan = {name: {key: make() for key, make in keys.items()} for name, keys in script.plan().items()}
    for service, spec in SPECS.items():
        own, shared = plan[f"ektp-{service}"], plan["ektp-shared"]
        events = plan["ektp-event-keys"]
        links = {f"EKTP_{owner.upper()}_LINK_SECRET": plan[f"ektp-{owner}-links"]["link-secret"]
                 for owner in ("intake", "biometrics")}
        if f"ektp-{service}-links" in plan:
            links["EKTP_LINK_SECRET"] = plan[f"ektp-{service}-links"]["link-secret"]
        settings = spec.load_settings({"EKTP_ENVIRONMENT": "production", "EKTP_DATA_KEYS": own["data-keys"],
                                       "EKTP_LOOKUP_KEY": own["lookup-key"], **links,
                                       "EKTP_JWT_SECRET": shared["jwt-secret"],
                                       "EKTP_EVENT_SIGNING_KEY": events[f"{service}-signing-key"],
                                       "EKTP_EVENT_PUBLIC_KEYS": events["public-keys"]})
        signatures = Runtime.build(spec, settings).signatures
        envelope = {"id": "1", "type": "t"}
        signatures.verify(service, envelope, signatures.sign(envelope))  # its key matches its published public key
        cipher = Cipher.from_settings(settings)
        assert cipher.decrypt(cipher.encrypt(b"3201010101900001")) == b"3201010101900001"
    assert plan["ektp-intake"]["data-keys"] != load_create_secrets().plan()["ektp-intake"]["data-keys"]()


# -- pod security ------------------------------------------------------------------------------------

def test_every_pod_meets_the_restricted_pod_security_standard(manifests):
    for owner, pod in manifests.pod_specs():
        name = owner["metadata"]["name"]
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] > 0, name
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        manifests.get("ServiceAccount", pod["serviceAccountName"])
        for container in containers(pod):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"] == {"drop": ["ALL"]}, name
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"]), name
            # A read-only root needs somewhere to write temporary files (uploads spool to /tmp).
            assert "/tmp" in {mount["mountPath"] for mount in container["volumeMounts"]}, name


def test_api_metrics_directory_is_a_private_empty_dir(manifests):
    for service in SPECS:
        pod, api = deployment(manifests, service, "api")
        directory = manifests.environment(api)["PROMETHEUS_MULTIPROC_DIR"]
        mount = next(m for m in api["volumeMounts"] if m["mountPath"] == directory)
        volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
        assert "emptyDir" in volume, service
        _, worker = deployment(manifests, service, "worker")
        # A single-process worker must not use multiprocess mode (its /metrics reads the default registry).
        assert "PROMETHEUS_MULTIPROC_DIR" not in manifests.environment(worker)


# -- network policies --------------------------------------------------------------------------------

def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if not {"In": present and labels[key] in values, "NotIn": not present or labels[key] not in values,
                "Exists": present, "DoesNotExist": not present}[operator]:
            return False
    return True


class Endpoint:
    """A pod as NetworkPolicies see it: labels, namespace (and its labels), named ports."""

    def __init__(self, labels: dict[str, str], namespace: str | None = "ektp", ports: dict[str, int] | None = None):
        self.labels = labels
        self.namespace = namespace
        self.namespace_labels = {"kubernetes.io/metadata.name": namespace} if namespace else {}
        self.ports = ports or {}


def _peer_matches(peer: dict[str, Any], endpoint: Endpoint, policy_namespace: str) -> bool:
    if endpoint.namespace is None:  # outside the cluster: only a rule without peers (or an ipBlock) lets it in
        return "ipBlock" in peer
    if "namespaceSelector" in peer:
        namespace_ok = selects(peer["namespaceSelector"], endpoint.namespace_labels)
    else:
        namespace_ok = endpoint.namespace == policy_namespace
    return namespace_ok and selects(peer.get("podSelector", {}), endpoint.labels)


def _rule_allows(rule: dict[str, Any], peers_key: str, peer: Endpoint, port: int, destination: Endpoint,
                 policy_namespace: str) -> bool:
    peers = rule.get(peers_key)
    if peers and not any(_peer_matches(p, peer, policy_namespace) for p in peers):
        return False
    wanted = rule.get("ports")
    names = {name for name, number in destination.ports.items() if number == port}
    return not wanted or any(p.get("port") == port or p.get("port") in names for p in wanted)


def allowed(manifests, source: Endpoint, destination: Endpoint, port: int) -> bool:
    """Whether NetworkPolicy semantics let `source` open a TCP connection to `destination`:port."""
    policies = manifests.of("NetworkPolicy")

    def side(endpoint: Endpoint, kind: str, peers_key: str, peer: Endpoint) -> bool:
        selecting = [p for p in policies if endpoint.namespace == p["metadata"]["namespace"]
                     and kind in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], endpoint.labels)]
        if not selecting:
            return True  # no policy selects it: nothing is restricted on this side
        return any(_rule_allows(rule, peers_key, peer, port, destination, p["metadata"]["namespace"])
                   for p in selecting for rule in p["spec"].get(kind.lower(), []))

    return side(source, "Egress", "to", destination) and side(destination, "Ingress", "from", source)


def pod(manifests, service: str, component: str) -> Endpoint:
    if component == "migrate":
        template = manifests.get("Job", f"{service}-migrate")["spec"]["template"]
        return Endpoint(template["metadata"]["labels"])
    template = manifests.get("Deployment", f"{service}-{component}")["spec"]["template"]
    return Endpoint(template["metadata"]["labels"], ports=ports(template["spec"]["containers"][0]))


DATABASE = lambda service: Endpoint({"cnpg.io/cluster": f"{service}-db", "cnpg.io/podRole": "instance"})  # noqa: E731
BROKER = Endpoint({"app.kubernetes.io/name": "ektp-rabbitmq", "app.kubernetes.io/component": "rabbitmq"})
OBJECTS = Endpoint({"app.kubernetes.io/name": "seaweedfs", "app.kubernetes.io/instance": "ektp-objects",
                    "app.kubernetes.io/component": "s3"})
DNS = Endpoint({"k8s-app": "kube-dns"}, "kube-system")
PROMETHEUS = Endpoint({"app.kubernetes.io/name": "prometheus"}, "monitoring")
GRAFANA = Endpoint({"app.kubernetes.io/name": "grafana"}, "monitoring")
INGRESS = Endpoint({"app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy"}, "envoy-gateway-system")
KEDA = Endpoint({"app": "keda-operator"}, "keda")
INTERNET = Endpoint({}, None)


def test_each_service_reaches_its_own_database_the_broker_and_storage_only(manifests):
    for service in SPECS:
        for component in ("api", "worker"):
            me = pod(manifests, service, component)
            assert allowed(manifests, me, DATABASE(service), 5432), f"{service}-{component} -> own database"
            for other in SPECS:
                if other != service:
                    assert not allowed(manifests, me, DATABASE(other), 5432), f"{service}-{component} -> {other}-db"
            assert allowed(manifests, me, BROKER, 5672) and not allowed(manifests, me, BROKER, 15672)
            assert allowed(manifests, me, BROKER, 5671), f"{service}-{component} -> amqps"
            assert allowed(manifests, me, OBJECTS, 8333)
            assert allowed(manifests, me, DNS, 53)
        migrate = pod(manifests, service, "migrate")
        assert allowed(manifests, migrate, DATABASE(service), 5432)
        assert not allowed(manifests, migrate, BROKER, 5672)


# The synchronous reads between services: printing fetches the card portrait from biometrics (a child's card,
# KIA, which has no capture: the uploaded photo from intake); biometrics fetches the uploaded 4x6 photo from intake
# (1:1 against the live face).
CALLS_BETWEEN_SERVICES = {("printing", "biometrics"), ("printing", "intake"), ("biometrics", "intake")}


def test_only_the_ingress_controller_reaches_the_apis_and_only_prometheus_the_metrics(manifests):
    # The gateway's proxies reach exactly the APIs its routes lead to (base/edge: intake, biometrics).
    routed = {backend["name"] for route in manifests.of("HTTPRoute") for rule in route["spec"]["rules"]
              for backend in rule.get("backendRefs", [])}
    for service in SPECS:
        api, worker = pod(manifests, service, "api"), pod(manifests, service, "worker")
        assert allowed(manifests, INGRESS, api, 8080) == (service in routed), service
        assert not allowed(manifests, INGRESS, worker, 9100)
        assert allowed(manifests, PROMETHEUS, api, 8080) and allowed(manifests, PROMETHEUS, worker, 9100)
        assert not allowed(manifests, GRAFANA, api, 8080)
        for other in SPECS:
            if other != service and (service, other) not in CALLS_BETWEEN_SERVICES:
                assert not allowed(manifests, pod(manifests, service, "worker"), pod(manifests, other, "api"), 8080)
    printing_worker, printing_api = pod(manifests, "printing", "worker"), pod(manifests, "printing", "api")
    biometrics_api = pod(manifests, "biometrics", "api")
    assert allowed(manifests, printing_worker, biometrics_api, 8080) and allowed(manifests, printing_api, biometrics_api, 8080)
    assert allowed(manifests, pod(manifests, "biometrics", "worker"), pod(manifests, "intake", "api"), 8080)
    intake_api = pod(manifests, "intake", "api")
    assert allowed(manifests, printing_worker, intake_api, 8080) and allowed(manifests, printing_api, intake_api, 8080)
    assert allowed(manifests, PROMETHEUS, BROKER, 15692) and allowed(manifests, KEDA, BROKER, 15672)
    assert not allowed(manifests, KEDA, BROKER, 5672)


def test_only_notify_and_printing_leave_the_cluster_and_on_their_ports(manifests):
    notify, printing = pod(manifests, "notify", "worker"), pod(manifests, "printing", "worker")
    for port in (25, 465, 587, 2775, 443):
        assert allowed(manifests, notify, INTERNET, port)
    for port in (631, 9100):
        assert allowed(manifests, printing, INTERNET, port)
    assert not allowed(manifests, notify, INTERNET, 5432)
    for service in ("intake", "verification", "biometrics"):
        assert not allowed(manifests, pod(manifests, service, "worker"), INTERNET, 587)
    # Production APIs fetch the OIDC provider's keys over HTTPS; in development nothing needs it.
    assert allowed(manifests, pod(manifests, "intake", "api"), INTERNET, 443) == (manifests.overlay == "prod")
