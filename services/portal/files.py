"""A file a service holds (a CV, a receipt), passed on to the browser exactly as it came.

One place decides how the portal serves what people uploaded: never sniffed into
something else, never cached by a shared cache, a photo shown but never run, and a file
that is framed (a CV in the host's page) framed only by the portal itself.
"""

from __future__ import annotations

from fastapi import Response

from mip.core.http import Download


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
