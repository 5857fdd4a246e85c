"""`mip dev`'s Temporal (issue 23 item 5): its web UI decodes through the portal's codec
endpoint, closed workflows are kept for a set time, not for ever, and each task queue has
one partition (issue 24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from launcher.stack import DevOptions, DevStack
from launcher.temporal import (
    DEV_RETENTION,
    NAMESPACE,
    TemporalDevServer,
    keep_closed_workflows,
)
from services.portal.office.codec import PATH
from tests.support.servers import Servers


def test_mip_dev_s_temporal_ui_decodes_through_the_portal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Servers named in the environment: nothing embedded is initialised for this.
    monkeypatch.setenv("DATABASE_URL", "postgresql://mip@127.0.0.1:1/mip")
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:1")
    [temporal] = DevStack(DevOptions(data_dir=tmp_path, port_offset=100)).servers()
    argv = list(temporal.argv)
    assert argv[argv.index("--ui-codec-endpoint") + 1] == f"http://127.0.0.1:8100{PATH}"


def test_a_new_dev_server_keeps_one_partition_per_task_queue(tmp_path: Path) -> None:
    """Its few pollers wait on the one partition a task is written to (issue 24); a data
    directory made before reads the server's four, so that no task written there is left."""

    def partitions(db_file: Path) -> dict[str, str]:
        argv = list(TemporalDevServer(port=1, ui_port=2, db_file=db_file).child(tmp_path).argv)
        values = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--dynamic-config-value"]
        return dict(value.split("=") for value in values if "Partitions" in value)

    before = tmp_path / "before.db"
    before.write_bytes(b"")
    assert partitions(tmp_path / "new.db") == {
        "matching.numTaskqueueReadPartitions": "1",
        "matching.numTaskqueueWritePartitions": "1",
    }
    assert partitions(before) == {
        "matching.numTaskqueueReadPartitions": "4",
        "matching.numTaskqueueWritePartitions": "1",
    }


async def test_closed_workflows_are_kept_for_the_dev_retention_only(servers: Servers) -> None:
    # What `mip dev`'s server does each time it is found ready (TemporalDevServer.check),
    # done here on whichever Temporal the tests run, embedded or in a container.
    client = await Client.connect(servers.temporal_address)
    await keep_closed_workflows(client, DEV_RETENTION)
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=NAMESPACE)
    )
    assert described.config.workflow_execution_retention_ttl.ToTimedelta() == DEV_RETENTION
