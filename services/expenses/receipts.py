"""A receipt is a PDF, JPEG or PNG, judged by its content, and not too large (R28)."""

from __future__ import annotations

from mip.core.errors import InvalidInput

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class UnacceptableReceipt(InvalidInput):
    slug = "unacceptable-receipt"
    title = "The receipt cannot be accepted"


def check_receipt(content: bytes, *, max_bytes: int) -> str:
    """The receipt's media type, or the reason it is refused."""
    if not content:
        raise UnacceptableReceipt("Every expense needs its receipt (R28); the file sent is empty.")
    if len(content) > max_bytes:
        raise UnacceptableReceipt(
            f"The receipt is over {max_bytes // 1_048_576} MB; a photo or scan at lower "
            "resolution will do."
        )
    for signature, media_type in SIGNATURES.items():
        if content.startswith(signature):
            return media_type
    raise UnacceptableReceipt("A receipt must be a PDF, a JPEG or a PNG, judged by its content.")
