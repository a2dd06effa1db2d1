"""Working days, as the legal limit of 3 working days for a decision counts them: Monday
to Friday, less Vietnam's public holidays (Tết and the others, from the maintained
`holidays` library, substitute days off included)."""
import datetime
from functools import lru_cache

import holidays
from django.utils import timezone

LEGAL_LIMIT_WORKING_DAYS = 3


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=[year]).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start): a
    declaration sent on Monday is 1 working day old on Tuesday."""
    days = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    day = start
    added = 0
    while added < count:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day


def decision_due(submitted_on: datetime.date) -> datetime.date:
    """The last day of the legal limit for a declaration sent on `submitted_on`."""
    return add_working_days(submitted_on, LEGAL_LIMIT_WORKING_DAYS)


def overdue_submitted_before(today: datetime.date | None = None) -> datetime.datetime:
    """The moment before which a still pending declaration is overdue today: it was sent
    on a day whose due date has passed. Due dates never decrease as the sending day moves
    on, so walking back from today finds the first sending day that is still in time."""
    today = today or timezone.localdate()
    day = today
    while decision_due(day) >= today:
        day -= datetime.timedelta(days=1)
    first_in_time = day + datetime.timedelta(days=1)
    return timezone.make_aware(
        datetime.datetime.combine(first_in_time, datetime.time.min),
        timezone.get_current_timezone(),
    )
