"""Sign-in by a one-time link in e-mail, and sign-out (issue 14 item 2)."""

from services.portal.signin.api import router

__all__ = ["router"]
