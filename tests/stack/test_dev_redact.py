"""`mip dev` prints no secret: passwords in the URLs it prints are masked (issue 11, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from launcher.redact import mask_secrets
from launcher.stack import DevOptions, DevStack, _say


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("postgresql://mip:s3cret@db:5432/mip", "postgresql://mip:***@db:5432/mip"),
        (
            "e-mail goes to smtp://mailer:p@ss@smtp.example.com:587?starttls=require",
            "e-mail goes to smtp://mailer:***@smtp.example.com:587?starttls=require",
        ),
        ("smtps://:only-a-password@mail:465", "smtps://:***@mail:465"),
        (
            "postgresql://db/mip?user=mip&password=s3cret&sslmode=require",
            "postgresql://db/mip?user=mip&password=***&sslmode=require",
        ),
        ("postgresql://mip@127.0.0.1:25432/mip", "postgresql://mip@127.0.0.1:25432/mip"),
        ("http://127.0.0.1:8001/docs (queue mip-applications)", None),
        ("mail office@example.org at 10:15", None),
    ],
)
def test_passwords_in_urls_are_masked(printed: str, shown: str | None) -> None:
    assert mask_secrets(printed) == (printed if shown is None else shown)


def test_mip_dev_prints_the_database_and_mail_server_without_their_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://mip:db-s3cret@db.example.org:5432/mip")
    monkeypatch.setenv("SMTP_URL", "smtp://mailer:mail-s3cret@smtp.example.org:587")
    stack = DevStack(DevOptions(data_dir=tmp_path))
    stack.children = stack.servers()  # neither started: no postgres, no mail catcher here
    _say(stack.table())
    printed = capsys.readouterr().out
    assert "s3cret" not in printed
    assert "postgresql://mip:***@db.example.org:5432/mip" in printed
    assert "smtp://mailer:***@smtp.example.org:587" in printed
    # The children are given the real URLs; only what is printed is masked.
    assert stack.env["DATABASE_URL"] == "postgresql://mip:db-s3cret@db.example.org:5432/mip"
