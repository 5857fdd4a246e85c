"""`mip probe`: exit 0 if this container's process answers its health check, else 1.

The image's HEALTHCHECK runs it: every role (`mip serve`, `mip worker`) answers on
MIP_PORT, /healthz by default. Only the standard library, so a probe starts fast.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def probe(path: str = "/healthz", timeout_s: float = 4.0) -> int:
    url = f"http://127.0.0.1:{os.environ.get('MIP_PORT', '8000')}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"mip probe: {url}: {exc}", file=sys.stderr)
        return 1
