"""Uploads are bounded while they stream (issue 11, item 6): the token is checked and a
declared size refused before the body is read, a body is read no further than its limit,
and CVs and receipts are judged by their real structure, within page and inflation limits.

The HTTP tests speak HTTP/1.1 over a raw socket to a real uvicorn server, sending the body
chunk by chunk while watching for the answer, so they measure how much of the body had
been sent when the server answered: a server that read the whole body first would answer
only after all of it."""

from __future__ import annotations

import asyncio
import io
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI

from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.config import ApplicationsSettings
from services.applications.submissions.cv import CvFormat, UnacceptableCv, check_cv
from services.expenses.receipts import UnacceptableReceipt, check_receipt
from tests.support.applying import apply, make_profile, make_round, open_round
from tests.support.auth import auth
from tests.support.stack import running_stack
from tests.support.upload_samples import docx, jpeg, ole2, pdf, pdf_bomb, png

MB = 1_048_576
BODY = 50 * MB
CV_LIMIT = 5 * MB
BOUNDARY = "mip-boundary"


def _cv(content: bytes) -> CvFormat:
    return check_cv(content, max_bytes=CV_LIMIT, host_pages=2).format


# --- content ------------------------------------------------------------------------------


def test_a_word_doc_is_judged_by_its_compound_document_structure() -> None:
    assert _cv(ole2()) is CvFormat.doc
    with pytest.raises(UnacceptableCv, match="structure is damaged"):
        _cv(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4096)
    with pytest.raises(UnacceptableCv, match="not a Word document"):
        _cv(ole2("Workbook"))
    with pytest.raises(UnacceptableCv, match="not a Word document"):
        _cv(ole2(stream=b"\0" * 4096))


def test_a_docx_is_a_word_package_that_does_not_inflate_past_the_limit() -> None:
    assert _cv(docx()) is CvFormat.docx
    with pytest.raises(UnacceptableCv, match="not a Word document"):
        _cv(docx(types="<Types/>"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", docx_types())
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * (60 * MB))
    assert len(bomb.getvalue()) < CV_LIMIT
    with pytest.raises(UnacceptableCv, match="expands to more than 50 MB"):
        _cv(bomb.getvalue())
    with pytest.raises(UnacceptableCv, match="cannot be read"):
        _cv(b"PK\x03\x04not really a zip")


def docx_types() -> str:
    with zipfile.ZipFile(io.BytesIO(docx())) as archive:
        return archive.read("[Content_Types].xml").decode()


def test_a_pdf_bomb_and_a_pdf_of_too_many_pages_are_refused() -> None:
    bomb = pdf_bomb(200 * MB)
    assert len(bomb) < CV_LIMIT
    with pytest.raises(UnacceptableCv, match="expands to more than 50 MB"):
        _cv(bomb)
    with pytest.raises(UnacceptableCv, match="51 pages; at most 50"):
        _cv(pdf(51))
    assert check_cv(pdf(50), max_bytes=CV_LIMIT, host_pages=2).pages == 50
    with pytest.raises(UnacceptableReceipt, match="expands to more than 50 MB"):
        check_receipt(bomb, max_bytes=CV_LIMIT)
    with pytest.raises(UnacceptableReceipt, match="21 pages; at most 20"):
        check_receipt(pdf(21), max_bytes=CV_LIMIT)


def test_receipt_images_are_judged_by_their_headers() -> None:
    assert check_receipt(png(), max_bytes=MB) == "image/png"
    assert check_receipt(jpeg(), max_bytes=MB) == "image/jpeg"
    assert check_receipt(pdf(1), max_bytes=MB) == "application/pdf"
    for damaged in (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"\xff\xd8\xff" + b"\0" * 64):
        with pytest.raises(UnacceptableReceipt, match="damaged"):
            check_receipt(damaged, max_bytes=MB)
    with pytest.raises(UnacceptableReceipt, match="megapixels"):
        check_receipt(png(30_000, 1), max_bytes=MB)


# --- streaming ----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    head: str
    sent: int  # body bytes written when the answer's head arrived


async def _post_streaming(
    base_url: str, path: str, headers: dict[str, str], *, size: int, declare: bool = True
) -> Answer:
    """POST a multipart body of `size` bytes whose one file is `cv`, writing it 64 KiB at a
    time and stopping as soon as the answer arrives (or the server closes)."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    opening = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Type: multipart/form-data; boundary={BOUNDARY}")
    lines.append(f"Content-Length: {size}" if declare else "Transfer-Encoding: chunked")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    answer = asyncio.create_task(reader.readuntil(b"\r\n\r\n"))
    chunk = b"x" * (64 * 1024)
    sent = 0
    try:
        while not answer.done() and sent < size:
            part = (opening + chunk)[: size - sent] if sent == 0 else chunk[: size - sent]
            writer.write(part if declare else b"%x\r\n%s\r\n" % (len(part), part))
            sent += len(part)
            try:
                await asyncio.wait_for(writer.drain(), 5)
            except (ConnectionError, TimeoutError):
                break
            await asyncio.sleep(0)
        head = (await asyncio.wait_for(answer, 30)).decode("latin-1")
    finally:
        writer.close()
    return Answer(int(head.split()[1]), head, sent)


@pytest.fixture
def small_cvs() -> int:
    return MB


def small_cv_app(settings: Settings) -> FastAPI:
    """The applications service taking CVs of at most 1 MB."""
    return applications_app(settings, ApplicationsSettings(cv_max_bytes=MB))


async def test_an_unauthenticated_big_upload_is_refused_before_its_body_is_read(
    settings: Settings,
) -> None:
    async with running_stack(settings, applications=applications_app) as stack:
        base = stack.settings.applications_url
        anonymous = await _post_streaming(base, "/v1/applications", {}, size=BODY)
        host = await _post_streaming(base, "/v1/applications", auth(settings, Role.host), size=BODY)
        forged = await _post_streaming(
            base, "/v1/applications", {"Authorization": "Bearer forged"}, size=BODY
        )
    assert (anonymous.status, host.status, forged.status) == (401, 403, 401)
    assert "problem+json" in anonymous.head
    assert "connection: close" in anonymous.head.lower()
    # What was sent before the answer is what fits in the sockets' buffers, not the body.
    for answer in (anonymous, host, forged):
        assert answer.sent < BODY // 5, answer


async def test_a_body_over_the_limit_is_refused_before_or_while_it_streams(
    settings: Settings, small_cvs: int
) -> None:
    me = auth(settings, Role.applicant, "ada@example.org")
    async with running_stack(settings, applications=small_cv_app) as stack:
        base = stack.settings.applications_url
        declared = await _post_streaming(base, "/v1/applications", me, size=BODY)
        chunked = await _post_streaming(base, "/v1/applications", me, size=BODY, declare=False)
    assert (declared.status, chunked.status) == (413, 413)
    assert declared.sent < BODY // 5, declared
    assert chunked.sent < BODY // 5, chunked


async def test_a_cv_over_the_limit_is_413_naming_the_field(
    settings: Settings, small_cvs: int
) -> None:
    async with running_stack(settings, applications=small_cv_app) as stack:
        http = stack.http["applications"]
        _, [placement] = await make_round(http, stack.settings, open_round())
        me = await make_profile(http, stack.settings, "ada@example.org")
        over = await apply(http, me, placement["id"], cv=pdf(2) + b"\n%" + b"x" * small_cvs)
        bomb = await apply(http, me, placement["id"], cv=pdf_bomb(60 * MB))
        fine = await apply(http, me, placement["id"], cv=ole2(), filename="cv.doc")
    assert over.status_code == 413
    problem = over.json()
    assert problem["type"] == "urn:mip:problem:payload-too-large"
    assert "larger than 1 MB (cv)" in problem["detail"]
    assert problem["errors"] == [{"location": "body.cv", "message": "at most 1 MB"}]
    assert bomb.status_code == 422, bomb.text
    assert fine.status_code == 201, fine.text
    assert fine.json()["cv"]["format"] == "doc"
