"""The retention schedule's part in the offers service (docs/privacy.md)."""
