"""The Temporal connection from settings: plain, TLS with a private CA, mTLS, an API key
(Temporal Cloud); the combinations that cannot work are refused, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.service import TLSConfig

from mip.core.settings import Environment, Settings
from mip.core.temporal import tls_config


@pytest.fixture
def pems(tmp_path: Path) -> dict[str, str]:
    files = {}
    for name in ("ca", "cert", "key"):
        path = tmp_path / f"{name}.pem"
        path.write_bytes(f"-----BEGIN {name.upper()}-----\n{name}\n".encode())
        files[name] = str(path)
    return files


def test_plain_by_default() -> None:
    assert tls_config(Settings()) is False


def test_tls_on_alone_trusts_the_system_roots() -> None:
    assert tls_config(Settings(temporal_tls=True)) is True


def test_an_api_key_alone_turns_tls_on() -> None:
    assert tls_config(Settings(temporal_api_key="key-from-temporal-cloud")) is True


def test_mtls_reads_the_ca_certificate_and_key_files(pems: dict[str, str]) -> None:
    config = tls_config(
        Settings(
            temporal_tls_ca_file=pems["ca"],
            temporal_tls_cert_file=pems["cert"],
            temporal_tls_key_file=pems["key"],
            temporal_tls_server_name="temporal.internal",
        )
    )
    assert config == TLSConfig(
        server_root_ca_cert=Path(pems["ca"]).read_bytes(),
        client_cert=Path(pems["cert"]).read_bytes(),
        client_private_key=Path(pems["key"]).read_bytes(),
        domain="temporal.internal",
    )


def test_a_ca_alone_checks_the_server_against_it(pems: dict[str, str]) -> None:
    config = tls_config(Settings(temporal_tls_ca_file=pems["ca"]))
    assert isinstance(config, TLSConfig)
    assert config.server_root_ca_cert == Path(pems["ca"]).read_bytes()
    assert config.client_cert is None


def test_an_unreadable_file_is_named_with_its_setting(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.pem")
    with pytest.raises(ValueError, match=r"MIP_TEMPORAL_TLS_CA_FILE: cannot read .*nowhere\.pem"):
        tls_config(Settings(temporal_tls_ca_file=missing))


def test_a_certificate_without_its_key_is_refused(pems: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="go together"):
        Settings(temporal_tls_cert_file=pems["cert"])
    with pytest.raises(ValidationError, match="go together"):
        Settings(temporal_tls_key_file=pems["key"])


def test_tls_off_with_tls_files_is_refused(pems: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="contradicts"):
        Settings(temporal_tls=False, temporal_tls_ca_file=pems["ca"])


def test_an_api_key_is_never_sent_in_clear_text() -> None:
    with pytest.raises(ValidationError, match="clear text"):
        Settings(temporal_tls=False, temporal_api_key="key")


def test_the_settings_are_read_from_the_environment(
    pems: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIP_TEMPORAL_TLS_CA_FILE", pems["ca"])
    monkeypatch.setenv("MIP_TEMPORAL_API_KEY", "key")
    settings = Settings()
    assert settings.temporal_api_key is not None
    assert settings.temporal_api_key.get_secret_value() == "key"
    assert isinstance(tls_config(settings), TLSConfig)


def test_production_refuses_the_placeholder_api_key() -> None:
    with pytest.raises(ValidationError, match="MIP_TEMPORAL_API_KEY still holds"):
        Settings(
            environment=Environment.production,
            jwt_secret="s" * 40,
            temporal_api_key="change-me",
        )
