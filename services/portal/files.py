"""A file a service holds (a CV, a receipt), passed on to the browser exactly as it came.

One place decides how the portal serves what people uploaded: never sniffed into
something else, never cached by a shared cache, a photo shown but never run, and a file
that is framed (a CV in the host's page) framed only by the portal itself.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from mip.core.http import Download
from mip.core.text import file_name
from services.portal.clients import PortalServices

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


async def receipt_name(
    services: PortalServices, claim_id: UUID, line_id: UUID, found: Download
) -> str:
    """ "MIP-27A-0042-E1-receipt-2.pdf": the claim's reference and the line's place in it."""
    claim = await services.expenses.claim(claim_id)
    number = next((i for i, line in enumerate(claim.lines, 1) if line.id == line_id), 0)
    extension = EXTENSIONS.get(found.media_type.split(";")[0].strip(), "bin")
    return file_name(claim.reference, "receipt", str(number), extension=extension)


def as_sent(
    found: Download, filename: str, *, inline: bool = True, framed: bool = False
) -> Response:
    media_type = found.media_type.split(";")[0].strip()
    headers = {
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    if media_type.startswith("image/"):
        headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    if framed:
        headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return Response(found.content, media_type=media_type, headers=headers)
