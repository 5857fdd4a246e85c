"""A CV is judged by its content, not its name (R11); a PDF's pages are counted.

Each format is judged by its real structure: a PDF must open, within a page count and an
inflated size that no CV comes near; a .docx must be a Word package (a zip whose content
types name a Word main document) that does not inflate past that size; a .doc must be an
OLE2 compound document holding a WordDocument stream that starts with a Word header.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum

import olefile  # type: ignore[import-untyped]
from pypdf import PdfReader, PdfWriter

from mip.core.documents import check_pdf, check_size, pdf_refusals
from mip.core.errors import InvalidInput
from mip.core.uploads import MB

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Far beyond any CV: a longer file is a mistake or an attack, refused before it is used.
MAX_PAGES = 50
MAX_INFLATED_BYTES = 50 * MB
DOCX_MAX_PARTS = 2000
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_TYPES_MAX_BYTES = 1 * MB
WORD_FIB_MAGIC = b"\xec\xa5"  # wIdent of the File Information Block, little-endian 0xA5EC
_UNREADABLE_PDF = "The CV looks like a PDF but cannot be read; export it again and re-submit."


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


def _check_docx(content: bytes, max_inflated_bytes: int) -> None:
    """A Word package: declared sizes within the budget, and content types naming
    word/document.xml as a Word main document (the sizes are checked before inflating)."""
    unreadable = "The CV looks like a Word (.docx) file but cannot be read; save it again."
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > DOCX_MAX_PARTS:
                raise UnacceptableCv(f"The .docx file has more than {DOCX_MAX_PARTS} parts.")
            if sum(p.file_size for p in parts) > max_inflated_bytes:
                raise UnacceptableCv(
                    f"The .docx file expands to more than {max_inflated_bytes // MB} MB, far "
                    "more than any CV needs; save it again without embedded media."
                )
            names = {p.filename: p for p in parts}
            types = names.get("[Content_Types].xml")
            if types is None or "word/document.xml" not in names:
                raise UnacceptableCv(
                    "The .docx file is a zip archive but not a Word document; save it again."
                )
            if types.file_size > DOCX_TYPES_MAX_BYTES:
                raise UnacceptableCv(unreadable)
            # Declared sizes bound what is read: zipfile stops at file_size and checks the CRC.
            declared = archive.read(types).decode("utf-8", errors="replace")
            with archive.open(names["word/document.xml"]) as document:
                while document.read(64 * 1024):
                    pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise UnacceptableCv(unreadable) from exc
    if DOCX_MAIN not in declared:
        raise UnacceptableCv(
            "The .docx file is not a Word document (it may be a template or macro-enabled "
            "file); save it as a Word document (.docx) and re-submit."
        )


def _check_doc(content: bytes) -> None:
    """An OLE2 compound document with a WordDocument stream that begins with a Word FIB."""
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            kind = ole.get_type("WordDocument") if ole.exists("WordDocument") else None
            if kind != olefile.STGTY_STREAM:
                raise UnacceptableCv(
                    "The .doc file is an Office compound file but not a Word document."
                )
            with ole.openstream("WordDocument") as stream:
                header = stream.read(2)
    except UnacceptableCv:
        raise
    except Exception as exc:  # olefile raises many kinds of error for a malformed file
        raise UnacceptableCv(
            "The CV looks like a Word (.doc) file but its structure is damaged; "
            "save it again, preferably as .docx or PDF."
        ) from exc
    if header != WORD_FIB_MAGIC:
        raise UnacceptableCv("The .doc file's WordDocument stream is not a Word document.")


def _first_pages(reader: PdfReader, pages: int) -> bytes:
    writer = PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check_cv(content: bytes, *, max_bytes: int, host_pages: int) -> CheckedCv:
    """Accept a PDF, .docx or .doc; hosts later receive a PDF's first `host_pages` pages."""
    check_size(
        content,
        max_bytes,
        UnacceptableCv,
        empty="The CV file is empty; choose the file again and re-submit.",
        too_big=f"The CV is {len(content) / MB:.1f} MB; the limit is "
        f"{max_bytes / MB:.0f} MB. A two-page CV is usually well under 1 MB.",
    )
    if content.startswith(PDF_MAGIC):
        with pdf_refusals(UnacceptableCv, _UNREADABLE_PDF):
            reader = check_pdf(content, max_pages=MAX_PAGES, max_inflated_bytes=MAX_INFLATED_BYTES)
            pages = len(reader.pages)
            host_copy = content if pages <= host_pages else _first_pages(reader, host_pages)
        if pages == 0:
            raise UnacceptableCv("The PDF has no pages.")
        return CheckedCv(CvFormat.pdf, pages, host_copy)
    if content.startswith(ZIP_MAGIC):
        _check_docx(content, MAX_INFLATED_BYTES)
        return CheckedCv(CvFormat.docx, None, content)
    if content.startswith(OLE2_MAGIC):
        _check_doc(content)
        return CheckedCv(CvFormat.doc, None, content)
    raise UnacceptableCv(
        "The CV must be a PDF or a Word document (.docx or .doc); this file is neither, "
        "whatever its name says."
    )
