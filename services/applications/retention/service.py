"""A round's retention schedule as the settings give it (docs/privacy.md): the periods its
RetentionWorkflow is started with. A rehearsal round runs the same schedule with each day
lasting MIP_RETAIN_REHEARSAL_DAY_S (a minute), so its schedule runs in minutes, not days."""

from __future__ import annotations

from mip.core.settings import Settings
from workflows.retention import RetentionInput, RetentionPeriods

DAY_S = 24 * 3600
# Never shorter than the calendar years the law counts, leap years or not: a day late at worst.
YEAR_DAYS = 366


def retention_start(settings: Settings, round_id: str, *, rehearsal: bool) -> RetentionInput:
    # The periods travel in the workflow's input: a round keeps the schedule it began
    # with, whatever the settings become while its timers run.
    day = settings.retain_rehearsal_day_s if rehearsal else DAY_S
    return RetentionInput(
        round_id=round_id,
        periods=RetentionPeriods(
            unplaced_cv_s=settings.retain_unplaced_cv_days * day,
            placed_cv_s=settings.retain_placed_cv_days * day,
            equal_opportunities_s=settings.retain_equal_opportunities_days * day,
            message_body_s=settings.retain_message_body_days * day,
            finance_s=settings.retain_finance_years * YEAR_DAYS * day,
            application_s=settings.retain_application_days * day,
        ),
    )
