"""Registration drafts: the photos a citizen uploaded before sending, kept in private
storage while the session lasts."""
import datetime
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

DRAFT_PHOTO_DIR = "registration-drafts"


def _draft_files(storage: Storage) -> Iterator[tuple[str, datetime.datetime]]:
    """(storage name, last modified) of every draft photo."""
    listed = getattr(storage, "files_modified", None)
    if listed is not None:
        # An object store has no directories (exists() on the prefix is False) and gives
        # the times with the listing: vssid_portal.storage.PrivateS3Storage.
        for name, modified in listed(DRAFT_PHOTO_DIR):
            yield f"{DRAFT_PHOTO_DIR}/{name}", modified
        return
    if not storage.exists(DRAFT_PHOTO_DIR):
        return
    for name in storage.listdir(DRAFT_PHOTO_DIR)[1]:
        path = f"{DRAFT_PHOTO_DIR}/{name}"
        try:
            yield path, storage.get_modified_time(path)
        except FileNotFoundError:
            continue  # removed meanwhile by the session that owned it


def registration_drafts_purge(*, older_than: datetime.timedelta) -> int:
    """Delete draft photos older than `older_than`: their session is over, nothing refers
    to them any more. Returns how many were deleted."""
    cutoff = timezone.now() - older_than
    deleted = 0
    for path, modified in _draft_files(default_storage):
        if modified < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted
