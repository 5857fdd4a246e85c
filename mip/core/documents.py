"""The content checks CVs and receipts share: an uploaded document is neither empty nor over
its limit, and a PDF opens within a page count and an inflated size.

`check_pdf` refuses a PDF with too many pages or whose streams inflate past a budget,
measured with a bounded inflater rather than by decompressing everything. Each kind of
document refuses in its own words, through its own `InvalidInput` subclass.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, IndirectObject, NameObject, StreamObject

from mip.core.errors import InvalidInput
from mip.core.uploads import CHUNK, megabytes


class Refused(Exception):
    """A file's content breaks a limit; the message is for the person who sent it."""


# What pypdf raises on a file it cannot read.
PDF_ERRORS: tuple[type[Exception], ...] = (PyPdfError, ValueError, KeyError, TypeError, zlib.error)


def check_size(
    content: bytes, max_bytes: int, refuse: type[InvalidInput], *, empty: str, too_big: str
) -> None:
    """A document with nothing in it, or over `max_bytes`, is refused as `refuse`."""
    if not content:
        raise refuse(empty)
    if len(content) > max_bytes:
        raise refuse(too_big)


@contextmanager
def pdf_refusals(refuse: type[InvalidInput], unreadable: str) -> Iterator[None]:
    """Inside, a PDF that breaks a limit (`Refused`), or that pypdf cannot read, is refused
    as `refuse`: with the limit's words, or with `unreadable`."""
    try:
        yield
    except Refused as exc:
        raise refuse(f"{exc}") from exc
    except PDF_ERRORS as exc:
        raise refuse(unreadable) from exc


_FLATE = {"/FlateDecode", "/Fl"}
_TEXT = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
# Image codecs are not decoded here; their encoded size counts against the budget.
_IMAGES = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}


def _filters(stream: StreamObject) -> list[str]:
    found: Any = stream.get("/Filter")
    if isinstance(found, IndirectObject):
        found = found.get_object()
    if found is None:
        return []
    if isinstance(found, NameObject):
        return [str(found)]
    if isinstance(found, ArrayObject):
        return [str(f.get_object()) for f in found]
    raise Refused("The PDF has a stream with a malformed filter.")


def _inflated_size(data: bytes, budget: int) -> int:
    """How many bytes `data` inflates to, reading no further than `budget` + 1 of them."""
    inflater = zlib.decompressobj()
    size = 0
    pending = data
    try:
        while pending and size <= budget:
            size += len(inflater.decompress(pending, CHUNK))
            pending = inflater.unconsumed_tail
        if size <= budget:
            size += len(inflater.flush(CHUNK))
    except zlib.error:
        # A damaged stream: readers recover what they can, which is no more than this.
        return size + len(pending)
    return size


def _decoded_size(stream: StreamObject, budget: int) -> int:
    from pypdf.filters import ASCII85Decode, ASCIIHexDecode  # only for these rare streams

    data: bytes = stream._data  # the encoded bytes as stored in the file
    filters = _filters(stream)
    for name in filters:
        if name in _FLATE:  # what may follow is an image codec, measured as it is stored
            return _inflated_size(data, budget)
        if name in _TEXT:
            decoder: Any = ASCIIHexDecode if name in {"/ASCIIHexDecode", "/AHx"} else ASCII85Decode
            decoded = decoder.decode(data)
            data = decoded if isinstance(decoded, bytes) else decoded.encode("latin-1")
        elif name in _IMAGES:
            return len(data)
        else:
            raise Refused(
                f"The PDF uses the {name.lstrip('/')} filter, which cannot be checked; "
                "export or print it to PDF again."
            )
    return len(data)


def check_pdf(content: bytes, *, max_pages: int, max_inflated_bytes: int) -> PdfReader:
    """A reader for a PDF within the limits, or `Refused` (pypdf errors pass through).

    Every stream stored in the file is measured before any page is read, so that the
    object streams pypdf would inflate to find the pages are within the budget too."""
    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted:
        raise Refused("The PDF is password-protected; save a copy without a password.")
    spent = 0
    for generation, entries in list(reader.xref.items()):
        for idnum in list(entries):
            found = reader.get_object(IndirectObject(idnum, generation, reader))
            if isinstance(found, StreamObject):
                spent += _decoded_size(found, max_inflated_bytes - spent)
                if spent > max_inflated_bytes:
                    raise Refused(
                        f"The PDF's content expands to more than {megabytes(max_inflated_bytes)}"
                        " MB, far more than any document of this kind needs; export it again."
                    )
    pages = len(reader.pages)
    if pages > max_pages:
        raise Refused(f"The PDF has {pages} pages; at most {max_pages} are accepted.")
    return reader
