"""Whether Kubernetes NetworkPolicies let one pod open a TCP connection to another, as
the API defines it (networking.k8s.io/v1): a pod that some policy selects for a
direction is isolated in it, and then only a rule of a policy selecting it lets traffic
through; both the sender's egress and the receiver's ingress must allow it. Selectors
with matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); numbered ports.
Enough to reason about deploy/kubernetes, where there is no cluster to try it on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
NAMESPACE_NAME = "kubernetes.io/metadata.name"  # the label every namespace carries


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str]


def selects(selector: Doc, labels: dict[str, str]) -> bool:
    """A label selector's verdict; an empty selector selects everything."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        verdict = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[operator]
        if not verdict:
            return False
    return True


def _peer_matches(peer: Doc, policy_namespace: str, pod: Pod) -> bool:
    if "ipBlock" in peer:
        return False  # addresses, not pods: none of the pods asked about
    if "namespaceSelector" in peer:
        in_namespace = selects(peer["namespaceSelector"], {NAMESPACE_NAME: pod.namespace})
    else:
        in_namespace = pod.namespace == policy_namespace
    return in_namespace and selects(peer.get("podSelector", {}), pod.labels)


def _port_matches(rule: Doc, port: int) -> bool:
    ports = rule.get("ports")
    return not ports or any(
        p.get("protocol", "TCP") == "TCP" and p.get("port") in (None, port) for p in ports
    )


def _namespace(policy: Doc) -> str:
    found: str = policy["metadata"].get("namespace", "default")
    return found


def _allows(policies: list[Doc], direction: str, own: Pod, other: Pod, port: int) -> bool:
    """`own`'s policies for `direction` ("Ingress" from `other`, "Egress" to it)."""
    key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    isolating = [
        p
        for p in policies
        if _namespace(p) == own.namespace
        and selects(p["spec"]["podSelector"], own.labels)
        and direction in p["spec"].get("policyTypes", ["Ingress"])
    ]
    if not isolating:
        return True
    for policy in isolating:
        namespace = _namespace(policy)
        for rule in policy["spec"].get(key, []):
            sources = rule.get(peers)
            reached = not sources or any(_peer_matches(s, namespace, other) for s in sources)
            if reached and _port_matches(rule, port):
                return True
    return False


def connects(policies: list[Doc], source: Pod, target: Pod, port: int) -> bool:
    return _allows(policies, "Egress", source, target, port) and _allows(
        policies, "Ingress", target, source, port
    )
