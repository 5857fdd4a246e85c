"""A receipt is a PDF, JPEG or PNG, judged by its content, and not too large (R28).

A PDF must open within a page count and an inflated size that no receipt comes near; an
image must have a well-formed header (PNG: IHDR with a valid checksum; JPEG: markers up
to a frame header) whose dimensions are sane, so that nothing decoding it later is asked
for gigapixels.
"""

from __future__ import annotations

import struct
import zlib

from mip.core.documents import check_pdf, check_size, pdf_refusals
from mip.core.errors import InvalidInput
from mip.core.uploads import MB

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
SIGNATURES = {
    b"%PDF-": PDF,
    b"\xff\xd8\xff": JPEG,
    b"\x89PNG\r\n\x1a\n": PNG,
}
MAX_PAGES = 20
MAX_INFLATED_BYTES = 50 * MB
MAX_SIDE = 20_000
MAX_PIXELS = 100_000_000
_UNREADABLE_PDF = "The receipt looks like a PDF but cannot be read; scan or export it again."
# JPEG frame headers (SOF0-SOF15 but DHT, JPG and DAC, which share the range).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class UnacceptableReceipt(InvalidInput):
    slug = "unacceptable-receipt"
    title = "The receipt cannot be accepted"


def _sane(width: int, height: int, kind: str) -> None:
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE and width * height <= MAX_PIXELS):
        raise UnacceptableReceipt(
            f"The {kind} is {width} x {height} pixels; a photo or scan of at most "
            f"{MAX_PIXELS // 1_000_000} megapixels will do."
        )


def _check_png(content: bytes) -> None:
    header = content[8:33]
    if len(header) < 25 or header[4:8] != b"IHDR" or header[:4] != b"\0\0\0\x0d":
        raise UnacceptableReceipt("The PNG is damaged: it has no image header.")
    if struct.unpack(">I", header[21:25])[0] != zlib.crc32(header[4:21]):
        raise UnacceptableReceipt("The PNG is damaged: its image header fails its checksum.")
    width, height = struct.unpack(">II", header[8:16])
    _sane(width, height, "PNG")


def _check_jpeg(content: bytes) -> None:
    """Walk the marker segments from SOI to the first frame header."""
    damaged = UnacceptableReceipt("The JPEG is damaged: it has no readable frame header.")
    at = 2
    while at + 4 <= len(content):
        if content[at] != 0xFF:
            raise damaged
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length follows
            at += 2
            continue
        (length,) = struct.unpack(">H", content[at + 2 : at + 4])
        if length < 2:
            raise damaged
        if marker in _SOF:
            frame = content[at + 4 : at + 9]
            if len(frame) < 5:
                raise damaged
            height, width = struct.unpack(">HH", frame[1:5])
            _sane(width, height, "JPEG")
            return
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame
            raise damaged
        at += 2 + length
    raise damaged


def check_receipt(content: bytes, *, max_bytes: int) -> str:
    """The receipt's media type, or the reason it is refused."""
    check_size(
        content,
        max_bytes,
        UnacceptableReceipt,
        empty="Every expense needs its receipt; the file sent is empty.",
        too_big=f"The receipt is over {max_bytes // MB} MB; a photo or scan at lower "
        "resolution will do.",
    )
    media_type = next((t for s, t in SIGNATURES.items() if content.startswith(s)), None)
    if media_type == PDF:
        with pdf_refusals(UnacceptableReceipt, _UNREADABLE_PDF):
            check_pdf(content, max_pages=MAX_PAGES, max_inflated_bytes=MAX_INFLATED_BYTES)
    elif media_type == PNG:
        _check_png(content)
    elif media_type == JPEG:
        _check_jpeg(content)
    else:
        raise UnacceptableReceipt(
            "A receipt must be a PDF, a JPEG or a PNG, judged by its content."
        )
    return media_type
