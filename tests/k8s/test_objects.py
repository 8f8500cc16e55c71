"""Object storage as rendered (SeaweedFS operator): every service has its own bucket, identity and access key,
and a policy that reaches its own bucket only, with exactly the S3 actions its ObjectStore makes; nobody has
admin rights; a pod gets only its own service's key."""
from __future__ import annotations

import inspect
import re

from ektp_shared import objects

from .test_against_code import SPECS, containers

# The S3 calls the platform's ObjectStore makes, and the IAM action each needs (HEAD bucket is ListBucket).
ACTIONS = {"bucket_exists": "s3:ListBucket", "put_object": "s3:PutObject", "get_object": "s3:GetObject",
           "remove_object": "s3:DeleteObject"}


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
        assert "owner" not in buckets[name] and "access" not in buckets[name], "rights come from the policies only"
        assert credentials[name]["identityRef"]["name"] == name
        assert credentials[name]["secretRef"]["name"] == f"{name}-s3"


def test_each_policy_is_bound_to_one_identity_and_reaches_only_its_own_bucket(manifests):
    policies, bindings = by_name(manifests, "S3Policy"), by_name(manifests, "S3PolicyBinding")
    # make_bucket runs only when the bucket is missing; the Bucket resources create them first.
    used = set(re.findall(r"self\.client\.(\w+)\(self\.bucket", inspect.getsource(objects.S3Backend))) - {"make_bucket"}
    assert used == set(ACTIONS), "a new S3 call: add the action it needs to ACTIONS and to the policies"
    bound: dict[str, list[str]] = {}
    for binding in bindings.values():
        subjects = binding["subjects"]
        assert [subject["kind"] for subject in subjects] == ["S3Identity"]
        bound.setdefault(subjects[0]["name"], []).append(binding["policyRef"]["name"])
    assert set(bound) == {f"ektp-{service}" for service in SPECS}
    for identity, (policy_name,) in bound.items():
        statements = policies[policy_name]["statements"]
        assert all(statement["effect"] == "Allow" for statement in statements)
        granted = {(action, resource) for statement in statements
                   for action in statement["actions"] for resource in statement["resources"]}
        bucket = identity  # ektp-<service>: the bucket the service's settings name (test_against_code)
        assert granted == {("s3:ListBucket", bucket), ("s3:GetObject", f"{bucket}/*"),
                           ("s3:PutObject", f"{bucket}/*"), ("s3:DeleteObject", f"{bucket}/*")}, identity
        assert {action for action, _ in granted} == set(ACTIONS.values())
        assert not any("*" in action or "Admin" in action or action.startswith("iam:") for action, _ in granted)


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
    policy = manifests.get("S3Policy", "ektp-intake-bucket")
    broken = {**policy, "spec": {**policy["spec"], "statements": [{"effect": "Allow", "action": ["s3:*"],
                                                                    "resources": ["*"]}]}}
    assert validator(broken) != []
