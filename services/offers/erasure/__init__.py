"""Erasure on request (issue 23 item 4): SQL that forgets one person."""
