"""Registration drafts: the photos a citizen uploaded before sending, kept in private
storage while the session lasts."""
import datetime

from django.core.files.storage import default_storage
from django.utils import timezone

DRAFT_PHOTO_DIR = "registration-drafts"


def registration_drafts_purge(*, older_than: datetime.timedelta) -> int:
    """Delete draft photos older than `older_than`: their session is over, nothing refers
    to them any more. Returns how many were deleted."""
    if not default_storage.exists(DRAFT_PHOTO_DIR):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in default_storage.listdir(DRAFT_PHOTO_DIR)[1]:
        path = f"{DRAFT_PHOTO_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue  # removed meanwhile by the session that owned it
    return deleted
