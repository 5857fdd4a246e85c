"""Europe/London, the zone the programme's rules are written in.

Workflow modules import this through `imports_passed_through()`: a ZoneInfo built inside
the sandbox is a restricted proxy that datetime refuses as a tzinfo.
"""

from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
