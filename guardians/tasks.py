"""Celery tasks of guardians: thin wrappers around the services."""
from celery import shared_task

from guardians.services import guardianships_end_coming_of_age


@shared_task(acks_late=True)
def guardianships_end_coming_of_age_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): end the guardianships of children who turned 18.
    Reads check the age themselves, so a late or missed run leaks nothing."""
    return guardianships_end_coming_of_age()
