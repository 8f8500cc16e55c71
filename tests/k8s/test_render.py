"""Every overlay renders, and every object it renders passes strict validation: a misspelt or misplaced
field in any manifest (core kinds or the operators' resources) fails here, not at `kubectl apply`."""
from __future__ import annotations

import shutil
from pathlib import Path

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def test_every_rendered_object_passes_strict_validation(manifests, validator):
    problems = {f"{doc['kind']}/{doc['metadata']['name']}": validator(doc) for doc in manifests.docs}
    assert {name: errors for name, errors in problems.items() if errors} == {}
    kinds = {doc["kind"] for doc in manifests.docs}
    # The overlay really contains the platform, not an empty or half-rendered list.
    assert {"Deployment", "Job", "Service", "ConfigMap", "ScaledObject", "HorizontalPodAutoscaler", "NetworkPolicy",
            "RabbitmqCluster", "Queue", "Binding", "Policy", "Cluster", "Seaweed", "Bucket", "S3Identity",
            "S3Credentials", "Gateway", "HTTPRoute", "Certificate", "BackendTrafficPolicy", "ServiceMonitor",
            "PrometheusRule"} <= kinds


def test_objects_live_in_the_namespace_and_have_unique_names(manifests):
    seen = set()
    for doc in manifests.docs:
        key = (doc["kind"], doc["metadata"]["name"])
        assert key not in seen, f"{manifests.overlay}: {key} rendered twice"
        seen.add(key)
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == "ektp", key


def test_a_planted_typo_fails_validation(tmp_path, kustomize, validator):
    tree = tmp_path / "k8s"
    shutil.copytree(K8S, tree)
    api = tree / "base" / "services" / "intake" / "api.yaml"
    api.write_text(api.read_text().replace("readOnlyRootFilesystem: true", "readOnlyRootFilesytem: true", 1))
    topology = tree / "base" / "messaging" / "topology.yaml"
    topology.write_text(topology.read_text().replace("  durable: true", "  durabel: true", 1))
    docs = kustomize(tree / "overlays" / "prod")
    failures = {f"{doc['kind']}/{doc['metadata']['name']}": errors for doc in docs if (errors := validator(doc))}
    assert set(failures) == {"Deployment/intake-api", "Exchange/ektp-events"}
    assert "readOnlyRootFilesytem" in " ".join(failures["Deployment/intake-api"])
    assert "durabel" in " ".join(failures["Exchange/ektp-events"])


def test_a_wrong_type_in_an_operator_resource_fails_validation(manifests, validator):
    queue = next(doc for doc in manifests.of("Queue"))
    broken = {**queue, "spec": {**queue["spec"], "durable": "yes"}}
    assert any("durable" in error and "boolean" in error for error in validator(broken))
