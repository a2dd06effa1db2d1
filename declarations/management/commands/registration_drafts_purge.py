"""Delete registration-draft photos older than a session (Celery beat also runs this hourly)."""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from declarations.services.drafts import registration_drafts_purge


class Command(BaseCommand):
    help = "Delete registration-draft photos older than the session lifetime."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=float, default=settings.SESSION_COOKIE_AGE / 3600 + 1,
            help="age in hours (default: session lifetime + 1 h)",
        )

    def handle(self, *args, hours: float, **options) -> None:
        deleted = registration_drafts_purge(older_than=datetime.timedelta(hours=hours))
        self.stdout.write(f"{deleted} draft photo(s) deleted")
