"""Alerts, recording rules and the dashboard against the code and the tools: every series they read is
one the services export (or a named exporter's), every alert has a runbook and promtool unit tests, and
Prometheus Operator will pick the monitors and rules up."""
from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml
from prometheus_client import REGISTRY

from ektp_shared.service import Runtime, discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing import debian, infra
from ektp_shared.web.app import create_app

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "deploy" / "k8s" / "monitoring"
PROMTOOL_TESTS = REPO / "deploy" / "prometheus" / "tests"
PROMTOOL = {"promtool": "prometheus"}
RUNBOOKS = REPO / "docs" / "runbooks"
SPECS = discover()

# Series that other exporters provide, with where they come from (docs/deploy.md, prerequisites).
EXTERNAL = {
    "rabbitmq_queue_messages_ready": "RabbitMQ's rabbitmq_prometheus plugin, /metrics/per-object",
    "rabbitmq_queue_messages_unacked": "RabbitMQ's rabbitmq_prometheus plugin, /metrics/per-object",
    "rabbitmq_queue_consumers": "RabbitMQ's rabbitmq_prometheus plugin, /metrics/per-object",
    "kube_pod_container_status_restarts_total": "kube-state-metrics",
    "kube_job_status_failed": "kube-state-metrics",
    "up": "Prometheus itself, per scrape target",
}
# Metrics the rules use that their owners are adding while this is written. Strict: the test fails
# as soon as one is exported, so its entry here must then be removed.
PENDING: dict[str, str] = {}
# Grafana's variables are not PromQL: give them a value of the right kind before parsing.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def prometheus_rules() -> list[dict[str, Any]]:
    """The rule groups of every PrometheusRule in deploy/k8s/monitoring, as promtool reads them."""
    groups = []
    for path in sorted(MONITORING.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "PrometheusRule":
                groups.extend(doc["spec"]["groups"])
    return groups


def dashboard_expressions() -> list[str]:
    expressions = []
    for path in sorted((MONITORING / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            expressions.extend(target["expr"] for target in panel.get("targets", []))
    return expressions


def series_names(expression: str) -> set[str]:
    for variable, value in GRAFANA_VARIABLES.items():
        expression = expression.replace(variable, value)
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            assert node.name, f"a selector without a metric name is not checkable: {expression}"
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expression), visit)
    return names


RULES = [rule for group in prometheus_rules() for rule in group["rules"]]
ALERTS = sorted({rule["alert"] for rule in RULES if "alert" in rule})
RECORDED = {rule["record"] for rule in RULES if "record" in rule}
EXPRESSIONS = [rule["expr"] for rule in RULES] + dashboard_expressions()
USED = sorted(set().union(*(series_names(expression) for expression in EXPRESSIONS)) - RECORDED)


def sample_names(family: str, kind: str) -> set[str]:
    """The series names a metric family of a given type exposes."""
    base = family.removesuffix("_total") if kind == "counter" else family
    return {"counter": {f"{base}_total", f"{base}_created"},
            "histogram": {f"{base}_bucket", f"{base}_sum", f"{base}_count", f"{base}_created"},
            "summary": {base, f"{base}_sum", f"{base}_count", f"{base}_created"},
            "info": {f"{base}_info"}}.get(kind, {base})


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every series name the five services export: each API's /metrics in the embedded profile (which
    includes the scrape-time collectors reading the database), and every metric registered in the
    process by importing the services' API and worker modules (counters without samples included)."""
    names: set[str] = set()
    data_dir = tmp_path_factory.mktemp("metrics")
    for name, spec in SPECS.items():
        importlib.import_module(f"{name}.worker")
        settings = spec.load_settings({**DEVELOPMENT, "EKTP_DATA_DIR": str(data_dir), "EKTP_BUS_NAMESPACE": f"m{uuid.uuid4().hex[:8]}"})
        runtime = Runtime.build(spec, settings)
        runtime.migrate()
        body = create_app(runtime).test_client().get("/metrics").get_data(as_text=True)
        runtime.dispose()
        for family, kind in re.findall(r"^# TYPE (\S+) (\S+)$", body, flags=re.M):
            names |= sample_names(family, kind)
    for family in REGISTRY.collect():
        names |= sample_names(family.name, family.type)
    return names


@pytest.mark.parametrize("metric", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=f"not exported yet ({PENDING[name]})"))
    if name in PENDING else name for name in USED if name not in EXTERNAL])
def test_every_series_the_rules_and_dashboard_read_is_exported(metric, exported):
    assert metric in exported, f"{metric} is used by an alert, recording rule or dashboard but no service exports it"


def test_the_metric_lists_of_this_test_are_current():
    assert set(EXTERNAL) <= set(USED), f"no longer used: {set(EXTERNAL) - set(USED)}"
    assert set(PENDING) <= set(USED), f"no longer used: {set(PENDING) - set(USED)}"
    assert not set(PENDING) & set(EXTERNAL)


def test_every_recorded_series_is_used_and_every_used_one_recorded():
    used = set().union(*(series_names(expression) for expression in EXPRESSIONS))
    assert RECORDED <= used, f"recording rules nothing reads: {RECORDED - used}"
    colon_names = {name for name in used if ":" in name}
    assert colon_names <= RECORDED, f"read but never recorded: {colon_names - RECORDED}"


@pytest.mark.parametrize("alert", ALERTS)
def test_every_alert_has_a_severity_and_a_runbook(alert):
    rules = [rule for rule in RULES if rule.get("alert") == alert]
    for rule in rules:
        assert rule["labels"]["severity"] in {"critical", "warning"}
        assert rule["annotations"]["runbook_url"] == f"docs/runbooks/{alert}.md"
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    runbook = (REPO / rules[0]["annotations"]["runbook_url"]).read_text()
    assert runbook.startswith(f"# {alert}\n")
    for section in ("## Meaning", "## Impact", "## Diagnosis", "## Mitigation"):
        assert section in runbook, f"{alert} runbook has no {section}"


def test_every_runbook_belongs_to_an_alert():
    assert sorted(path.stem for path in RUNBOOKS.glob("*.md") if path.stem != "README") == ALERTS


def test_prometheus_operator_picks_up_every_monitor_and_rule(manifests):
    for kind in ("ServiceMonitor", "PodMonitor", "PrometheusRule"):
        for doc in manifests.of(kind):
            # kube-prometheus-stack selects monitors and rules by its release label.
            assert doc["metadata"]["labels"].get("release"), f"{kind}/{doc['metadata']['name']}"
    monitors = manifests.of("ServiceMonitor")
    for service in SPECS:
        for component, port in (("api", "http"), ("worker", "metrics")):
            target = next(s for s in manifests.of("Service")
                          if s["spec"]["selector"] == {"app.kubernetes.io/name": service, "app.kubernetes.io/component": component})
            assert port in {p["name"] for p in target["spec"]["ports"]}
            scraping = [m for m in monitors if all(target["metadata"]["labels"].get(k) == v
                                                   for k, v in m["spec"]["selector"]["matchLabels"].items())
                        and any(e["port"] == port and e["path"] == "/metrics" and e.get("honorLabels")
                                for e in m["spec"]["endpoints"])]
            assert scraping, f"nothing scrapes {service} {component}"
    rabbit = manifests.get("ServiceMonitor", "rabbitmq")["spec"]
    assert rabbit["selector"]["matchLabels"] == {"app.kubernetes.io/name": "ektp-rabbitmq"}
    assert rabbit["endpoints"][0]["path"] == "/metrics/per-object"  # per-queue series (queue label)
    dashboards = manifests.get("ConfigMap", "ektp-dashboards")
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(dashboards["data"]["ektp-overview.json"])["uid"] == "ektp-overview"


# -- promtool ----------------------------------------------------------------------------------------

def promtool() -> str:
    problem = debian.ensure_commands(PROMTOOL)
    if problem:
        infra.unavailable(f"the alert rules' tests: {problem}")
    return shutil.which("promtool")


@pytest.fixture(scope="module")
def rule_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PrometheusRules' groups as a plain rule file, beside copies of the promtool unit tests."""
    directory = tmp_path_factory.mktemp("promtool")
    (directory / "ektp.rules.yaml").write_text(yaml.safe_dump({"groups": prometheus_rules()}, sort_keys=False))
    for test in PROMTOOL_TESTS.glob("*.yaml"):
        shutil.copy(test, directory / test.name)
    return directory


def test_promtool_accepts_the_rules(rule_dir):
    done = subprocess.run([promtool(), "check", "rules", str(rule_dir / "ektp.rules.yaml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(RULES)} rules found" in done.stdout


def test_promtool_unit_tests_of_the_alerts_pass(rule_dir):
    tests = sorted(path.name for path in rule_dir.glob("*.test.yaml"))
    assert tests
    done = subprocess.run([promtool(), "test", "rules", *tests], cwd=rule_dir, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_is_unit_tested_firing_and_quiet():
    firing, quiet = set(), set()
    for path in PROMTOOL_TESTS.glob("*.test.yaml"):
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    assert set(ALERTS) - firing == set(), "alerts never shown to fire"
    assert set(ALERTS) - quiet == set(), "alerts never shown to stay quiet"
