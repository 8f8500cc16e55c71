"""Object storage as rendered (SeaweedFS operator): every service has its own bucket, identity and access key,
granted Read, Write and List on its own bucket only; nobody has admin rights; a pod gets only its own
service's key. The grants run on a real SeaweedFS of the version production runs: a service's key works in
its bucket through the platform's own S3 client and is refused in every other."""
from __future__ import annotations

import secrets

import pytest
from minio.error import S3Error

from ektp_shared.objects import S3Backend
from ektp_shared.testing import infra

from .test_against_code import SPECS, containers


def by_name(manifests, kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc["spec"] for doc in manifests.of(kind)}


def test_each_service_has_its_own_bucket_identity_and_key_on_the_one_cluster(manifests):
    clusters = [doc["metadata"]["name"] for doc in manifests.of("Seaweed")]
    assert clusters == ["ektp-objects"]
    buckets, identities, credentials = (by_name(manifests, kind) for kind in ("Bucket", "S3Identity", "S3Credentials"))
    assert set(buckets) == set(identities) == set(credentials) == {f"ektp-{service}" for service in SPECS}
    for name in buckets:
        assert buckets[name]["clusterRef"]["name"] == identities[name]["seaweedRef"]["name"] == "ektp-objects"
        assert buckets[name]["reclaimPolicy"] == "Retain" and not buckets[name].get("anonymousRead")
        assert "owner" not in buckets[name], "an owner would have every right on the bucket"
        assert credentials[name]["identityRef"]["name"] == name
        assert credentials[name]["secretRef"]["name"] == f"{name}-s3"


def grants(manifests) -> dict[str, set[str]]:
    """Identity -> its SeaweedFS actions, as the operator sets them from the Buckets' grants (`Read:<bucket>`)."""
    actions: dict[str, set[str]] = {}
    for bucket, spec in by_name(manifests, "Bucket").items():
        for grant in spec.get("access", []):
            actions.setdefault(grant["user"], set()).update(f"{action}:{bucket}" for action in grant["actions"])
    return actions


def test_each_identity_may_read_write_and_list_its_own_bucket_and_nothing_else(manifests):
    assert grants(manifests) == {f"ektp-{service}": {f"{action}:ektp-{service}" for action in ("Read", "Write", "List")}
                                 for service in SPECS}


@pytest.fixture(scope="module")
def object_store(tmp_path_factory, all_manifests):
    """A real SeaweedFS (the version production runs) with the manifests' buckets and bucket-scoped keys."""
    from ektp_peers.seaweedfs import SeaweedFS

    prod = next(manifests for manifests in all_manifests if manifests.overlay == "prod")
    keys = {service: (f"ektp-{service}-key", secrets.token_urlsafe(24)) for service in SPECS}
    actions = grants(prod)
    identities = [{"name": f"ektp-{service}", "credentials": [{"accessKey": access, "secretKey": secret}],
                   "actions": sorted(actions[f"ektp-{service}"])} for service, (access, secret) in keys.items()]
    server = SeaweedFS(tmp_path_factory.mktemp("objects"), identities=identities)
    try:
        server.start()
    except Exception as exc:
        infra.unavailable(f"SeaweedFS did not start: {exc}")
    admin = S3Backend(server.endpoint, server.access_key, server.secret_key, "")
    for bucket in by_name(prod, "Bucket"):  # what the Bucket resources create
        admin.client.make_bucket(bucket)
    yield server, keys
    server.stop()


@pytest.mark.parametrize("service", SPECS)
def test_a_services_key_works_in_its_own_bucket_and_is_refused_in_every_other(object_store, service):
    server, keys = object_store
    access, secret = keys[service]
    own = S3Backend(server.endpoint, access, secret, f"ektp-{service}")
    own.ensure_bucket()  # what a service does on start: it exists, so nothing is created
    own.put("a/1", b"encrypted bytes", "application/octet-stream")
    assert own.get("a/1") == b"encrypted bytes"
    own.delete("a/1")
    own.ping()
    for other in SPECS:
        if other == service:
            continue
        foreign = S3Backend(server.endpoint, access, secret, f"ektp-{other}")
        for attempt in (lambda: foreign.put("x", b"x", "application/octet-stream"), lambda: foreign.get("x"),
                        lambda: foreign.delete("x")):
            with pytest.raises(S3Error) as refused:
                attempt()
            assert refused.value.code == "AccessDenied", other
    with pytest.raises(S3Error) as refused:
        own.client.make_bucket(f"ektp-{service}-more")
    assert refused.value.code == "AccessDenied"


def test_a_pod_gets_only_its_own_services_object_storage_key(manifests):
    for owner, pod in manifests.pod_specs():
        service = owner["metadata"]["labels"]["app.kubernetes.io/name"]
        for container in containers(pod):
            for value in manifests.environment(container).values():
                if not isinstance(value, str) and value.name.endswith("-s3"):
                    assert value.name == f"ektp-{service}-s3", owner["metadata"]["name"]


def test_a_wrong_field_in_an_object_store_resource_fails_validation(manifests, validator):
    seaweed = manifests.get("Seaweed", "ektp-objects")
    broken = {**seaweed, "spec": {**seaweed["spec"], "volume": {**seaweed["spec"]["volume"], "replicas": "three"}}}
    assert any("replicas" in error for error in validator(broken))
    bucket = manifests.get("Bucket", "ektp-intake")
    broken = {**bucket, "spec": {**bucket["spec"], "access": [{"user": "ektp-intake", "actions": ["Read", "Delete"]}]}}
    assert any("Delete" in error for error in validator(broken))
