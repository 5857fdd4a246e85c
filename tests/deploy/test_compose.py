"""deploy/compose.yaml, the image and .env.example keep their promises (CI's compose smoke
runs them for real): a container per served service, the workers and the migration job,
pinned public images, nothing of MIP published but the portal (and Temporal's UI on
loopback), the portal's key from a secret file, and an .env.example whose placeholders
production refuses."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from launcher.serve import SERVED
from mip.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
IMAGE = re.compile(r"^\$\{(?P<var>[A-Z_]+):-(?P<default>[^}]+)\}$")
MIP_ROLES = {*SERVED, "worker", "migrate"}
# What asks Temporal for work; the portal reaches the services over HTTP only.
ON_TEMPORAL = {*SERVED, "worker"} - {"portal"}


class _ComposeLoader(yaml.SafeLoader):
    """YAML with Compose's merge tags (`!reset`, `!override`) read as what they hold."""


def _tagged(loader: yaml.SafeLoader, _: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_ComposeLoader.add_multi_constructor("!", _tagged)


def compose(name: str = "compose.yaml") -> dict[str, Any]:
    found: dict[str, Any] = yaml.load((DEPLOY / name).read_text(), Loader=_ComposeLoader)  # noqa: S506
    return found


def test_a_container_for_every_served_service_two_workers_and_the_migration() -> None:
    services = compose()["services"]
    for name in SERVED:
        assert services[name]["command"] == ["serve", name]
    assert services["worker"]["command"] == ["worker"]
    assert services["worker"]["deploy"]["replicas"] == "${MIP_WORKER_REPLICAS:-2}"
    assert services["migrate"]["command"] == ["migrate"]


def test_mip_containers_wait_for_the_migration_and_a_healthy_temporal() -> None:
    services = compose()["services"]
    for name in MIP_ROLES - {"migrate"}:
        after = services[name]["depends_on"]
        assert after["migrate"]["condition"] == "service_completed_successfully"
        if name in ON_TEMPORAL:
            assert after["temporal"]["condition"] == "service_healthy"
        else:  # a Temporal outage at start must not keep the front door shut
            assert "temporal" not in after, name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["temporal"]["depends_on"]["temporal-schema"]["condition"] == (
        "service_completed_successfully"
    )


def test_mip_containers_are_read_only_and_unprivileged() -> None:
    services = compose()["services"]
    for name in MIP_ROLES:
        service = services[name]
        assert service["read_only"] is True
        assert service["tmpfs"] == ["/tmp"]  # noqa: S108 (the container's own)
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]


def test_every_image_is_a_pinned_public_one_replaceable_by_a_variable() -> None:
    for name, service in compose()["services"].items():
        match = IMAGE.match(service["image"])
        assert match, f"{name}: {service['image']}"
        repository, _, tag = match["default"].rpartition(":")
        assert repository, name
        assert tag not in ("", "latest"), name


def test_only_the_portal_is_published_and_temporals_web_ui_only_on_loopback() -> None:
    published = {n: s["ports"] for n, s in compose()["services"].items() if "ports" in s}
    assert published == {
        "portal": ["${MIP_PORTAL_BIND:-127.0.0.1}:${MIP_PORTAL_PORT:-8000}:8000"],
        "temporal-ui": ["127.0.0.1:${TEMPORAL_UI_PORT:-8080}:8080"],
    }
    # The stand-in Temporal publishes its web UI where temporal-ui would, and nothing else.
    standin = compose("compose.standin.yaml")["services"]
    published = {n: s["ports"] for n, s in standin.items() if "ports" in s}
    assert published == {"temporal": ["127.0.0.1:${TEMPORAL_UI_PORT:-8080}:8080"]}
    example = _example()
    assert (example["MIP_PORTAL_BIND"], example["MIP_PORTAL_PORT"]) == ("127.0.0.1", "8000")


def test_the_services_check_tokens_against_the_portals_jwks_on_the_compose_network() -> None:
    services = compose()["services"]
    for name in MIP_ROLES:
        environment = services[name]["environment"]
        assert environment["MIP_JWT_JWKS_URL"] == "http://portal:8000/.well-known/jwks.json"
        assert environment["MIP_PORTAL_URL"] == "http://portal:8000"
    assert SERVED["portal"].spec().port == 8000  # type: ignore[union-attr]


def test_the_portals_key_is_a_secret_file_not_a_variable() -> None:
    document = compose()
    portal = document["services"]["portal"]
    assert portal["secrets"] == [{"source": "portal-signing-key", "target": "portal-signing-key"}]
    assert portal["environment"]["MIP_PORTAL_SIGNING_KEY_FILE"] == (
        "/run/secrets/portal-signing-key"
    )
    assert "MIP_PORTAL_SIGNING_KEY" not in portal["environment"]
    assert document["secrets"]["portal-signing-key"] == {
        "file": "${MIP_PORTAL_SIGNING_KEY_PATH:-./secrets/portal-signing-key.pem}"
    }
    # Never committed: the folder the example puts it in is ignored.
    assert "deploy/secrets/" in (ROOT / ".gitignore").read_text().splitlines()
    assert _example()["MIP_PORTAL_SIGNING_KEY_PATH"] == "./secrets/portal-signing-key.pem"


def test_workers_serve_their_metrics_to_the_compose_network() -> None:
    worker = compose()["services"]["worker"]
    assert worker["environment"]["MIP_WORKER_METRICS_ADDRESS"] == "0.0.0.0:9464"
    assert worker["expose"] == ["9464"]
    assert "ports" not in worker


def test_state_lives_in_named_volumes() -> None:
    document = compose()
    assert set(document["volumes"]) == {"mip-postgres", "temporal-postgres"}
    for name in ("postgres", "temporal-postgresql"):
        (volume,) = document["services"][name]["volumes"]
        assert volume.split(":")[0] in document["volumes"]


def _example() -> dict[str, str]:
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


def test_production_refuses_every_placeholder_env_example_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example = _example()
    assert example["MIP_ENVIRONMENT"] == "production"
    for name, value in example.items():
        monkeypatch.setenv(name, value)
    # As compose.yaml builds it from the password.
    password = example["MIP_POSTGRES_PASSWORD"]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://mip:{password}@postgres:5432/mip")
    with pytest.raises(ValidationError) as refused:
        Settings()
    for name in ("DATABASE_URL", "MIP_JWT_SECRET", "SMTP_URL", "MIP_PAYLOAD_KEYS"):
        assert f"{name} still holds the placeholder" in str(refused.value)
    assert "MIP_SEARCH_HASH_KEY still holds the placeholder" in str(refused.value)


def test_the_image_builds_from_the_public_python_image_and_runs_unprivileged() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "ARG PYTHON_IMAGE=python:3.11" in dockerfile
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert final_stage.startswith("${PYTHON_IMAGE}\n")
    assert "USER 10001:10001" in final_stage
    assert 'CMD ["mip", "probe"]' in final_stage.split("HEALTHCHECK ", 1)[1].splitlines()[0]


def test_every_file_the_packages_read_goes_into_the_wheel() -> None:
    """The compose smoke found the e-mail templates missing from the image once."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["*"]
    for package in ("mip", "services", "workflows", "launcher"):
        for path in (ROOT / package).rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            package_dir = next(d for d in path.parents if (d / "__init__.py").exists())
            relative = path.relative_to(package_dir).as_posix()
            assert any(fnmatch(relative, p) for p in patterns), relative
