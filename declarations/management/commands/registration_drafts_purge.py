"""Delete registration-draft photos older than a session: the citizen never came back
to finish, so nothing references them any more. Run daily (cron or Celery beat)."""
import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from declarations.views_draft import DRAFT_PHOTO_DIR


def registration_drafts_purge(*, older_than: datetime.timedelta) -> int:
    if not default_storage.exists(DRAFT_PHOTO_DIR):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in default_storage.listdir(DRAFT_PHOTO_DIR)[1]:
        path = f"{DRAFT_PHOTO_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted


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
