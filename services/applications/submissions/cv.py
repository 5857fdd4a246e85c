"""A CV is judged by its content, not its name (R11); a PDF's pages are counted."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from mip.core.errors import InvalidInput

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


class CvFormat(StrEnum):
    pdf = "pdf"
    docx = "docx"
    doc = "doc"


class UnacceptableCv(InvalidInput):
    slug = "unacceptable-cv"
    title = "The CV cannot be accepted"


@dataclass(frozen=True)
class CheckedCv:
    format: CvFormat
    pages: int | None
    host_copy: bytes


def _is_docx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _first_pages(reader: PdfReader, pages: int) -> bytes:
    writer = PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check_cv(content: bytes, *, max_bytes: int, host_pages: int) -> CheckedCv:
    """Accept a PDF, .docx or .doc; hosts later receive a PDF's first `host_pages` pages."""
    if not content:
        raise UnacceptableCv("The CV file is empty; choose the file again and re-submit.")
    if len(content) > max_bytes:
        raise UnacceptableCv(
            f"The CV is {len(content) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB. A two-page CV is usually well under 1 MB."
        )
    if content.startswith(PDF_MAGIC):
        try:
            reader = PdfReader(io.BytesIO(content))
            pages = len(reader.pages)
            host_copy = content if pages <= host_pages else _first_pages(reader, host_pages)
        except (PyPdfError, ValueError, KeyError) as exc:
            raise UnacceptableCv(
                "The CV looks like a PDF but cannot be read; export it again and re-submit."
            ) from exc
        if pages == 0:
            raise UnacceptableCv("The PDF has no pages.")
        return CheckedCv(CvFormat.pdf, pages, host_copy)
    if content.startswith(ZIP_MAGIC) and _is_docx(content):
        return CheckedCv(CvFormat.docx, None, content)
    if content.startswith(OLE2_MAGIC):
        return CheckedCv(CvFormat.doc, None, content)
    raise UnacceptableCv(
        "The CV must be a PDF or a Word document (.docx or .doc); this file is neither, "
        "whatever its name says."
    )
