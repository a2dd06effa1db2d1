"""Reference data — provinces, BHXH offices, health facilities — served from each process's
memory. They change only on import or in the admin, and every look-up page, its form and
the directory API read them: from the database that was 2-4 queries and a province list
rebuilt per request.

A process keeps one snapshot per *version*, a token in the shared cache
(`VERSION_KEY`): when the token is not the one its snapshot was loaded under, the next
reader loads the rows again (one query per kind, each kind when first needed). Every
write path changes the token (`reference_data_changed`): saves and deletes of the three
models (signals connected in registry.apps: the admin, services, factories) and their
bulk writes and updates, which send no signal (registry.models.ReferenceQuerySet: the
import commands, `load_reference_data`). The token is changed at once and again once the
transaction commits, so that a process that reloaded in between (still seeing the old
rows) does not keep them. A snapshot older than `MAX_AGE_SECONDS` is reloaded whatever
the token says: a safety net for writes made outside Django (SQL by hand) or while Redis
was down (the token then changes only in the writing process's fallback memory).

Within a request the token is read once (the first reader; request_started resets it),
and in production at most every REFERENCE_DATA_RECHECK_SECONDS per process. The rows
are shared by every thread of the process: read them, never change them.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "registry:reference:version"
MAX_AGE_SECONDS = 300.0


class ReferenceData:
    """One version of the reference data. Each kind is loaded when first asked for."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.loaded_at = self.checked_at = time.monotonic()
        # Re-entrant: a kind may be built from another (province_codes from provinces).
        self._lock = threading.RLock()
        self._provinces = None
        self._province_codes = None
        self._offices = None
        self._facilities = None
        # What readers derive from this version's rows (the API's serialised rows, by
        # language): dropped with the version.
        self.derived: dict = {}

    def _load(self, name: str, load):
        value = getattr(self, name)
        if value is None:
            with self._lock:
                value = getattr(self, name)
                if value is None:
                    value = load()
                    setattr(self, name, value)
        return value

    @property
    def provinces(self) -> tuple:
        """Every province, by folded name (the order of the pickers)."""
        from registry.models import Province

        return self._load("_provinces", lambda: tuple(Province.objects.order_by("name_folded")))

    @property
    def province_codes(self) -> dict:
        """code -> province."""
        return self._load("_province_codes",
                          lambda: {province.code: province for province in self.provinces})

    @property
    def offices(self) -> tuple:
        """Every office (active or not) by code, with its province and parent."""
        from registry.models import Office

        return self._load("_offices", lambda: tuple(
            Office.objects.select_related("province", "parent").order_by("code")))

    @property
    def facilities(self) -> tuple:
        """Every health facility by code, with its province."""
        from registry.models import HealthFacility

        return self._load("_facilities", lambda: tuple(
            HealthFacility.objects.select_related("province").order_by("code")))

    def active_offices(self, province_code: str = "") -> tuple:
        """The active offices (of one province when a code is given), by code."""
        by_province = self._load("_active_offices", lambda: _by_province(
            office for office in self.offices if office.is_active))
        return by_province.get(province_code, ())

    def facilities_of(self, province_code: str = "") -> tuple:
        """The facilities (of one province when a code is given), by code."""
        return self._load("_facilities_by_province",
                          lambda: _by_province(self.facilities)).get(province_code, ())

    def office_by_id(self, office_id) -> object | None:
        return self._load("_office_ids", lambda: {
            office.pk: office for office in self.offices}).get(office_id)

    def facility_by_id(self, facility_id) -> object | None:
        return self._load("_facility_ids", lambda: {
            facility.pk: facility for facility in self.facilities}).get(facility_id)

    _active_offices = None
    _facilities_by_province = None
    _office_ids = None
    _facility_ids = None


def _by_province(rows) -> dict[str, tuple]:
    """{"": every row, province code: its rows}, in the rows' order."""
    index: dict[str, list] = {"": []}
    for row in rows:
        index[""].append(row)
        if row.province is not None:
            index.setdefault(row.province.code, []).append(row)
    return {code: tuple(found) for code, found in index.items()}


class _Snapshot:
    """The process's snapshot, and per thread the one checked in the current request."""

    current: ReferenceData | None = None
    lock = threading.Lock()
    local = threading.local()


def _version() -> str | None:
    """The current token, created when missing (a new cache, an evicted key); None when
    the cache cannot be read."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
    except Exception:
        logger.warning("Reference data version unknown (cache error)", exc_info=True)
        return None
    return version


def reference_data() -> ReferenceData:
    """The reference data as of now: this request's snapshot, or the process's if its
    version is current (and it is younger than MAX_AGE_SECONDS), or a new one. With
    settings.REFERENCE_DATA_RECHECK_SECONDS (production: 2) the version is read at most
    that often per process: another process's write is then seen up to that much later
    (the writing process sees its own at once)."""
    local = _Snapshot.local
    checked = getattr(local, "checked", None)
    if checked is not None:
        return checked
    snapshot = _Snapshot.current
    now = time.monotonic()
    recheck = getattr(settings, "REFERENCE_DATA_RECHECK_SECONDS", 0)
    if (snapshot is None or now - snapshot.checked_at >= recheck
            or now - snapshot.loaded_at >= MAX_AGE_SECONDS):
        snapshot = _current(_version())
    if getattr(local, "in_request", False):
        local.checked = snapshot
    return snapshot


def _current(version: str | None) -> ReferenceData:
    """The process's snapshot if it is of `version` (None: unknown, keep it) and younger
    than MAX_AGE_SECONDS, else a new one of `version`."""

    def usable(snapshot: ReferenceData | None) -> bool:
        return (snapshot is not None
                and time.monotonic() - snapshot.loaded_at < MAX_AGE_SECONDS
                and (version is None or snapshot.version == version))

    snapshot = _Snapshot.current
    if not usable(snapshot):
        with _Snapshot.lock:
            snapshot = _Snapshot.current
            if not usable(snapshot):
                snapshot = ReferenceData(version or uuid.uuid4().hex)
                _Snapshot.current = snapshot
    snapshot.checked_at = time.monotonic()
    return snapshot


def _forget() -> None:
    """Drop this process's snapshot and this thread's checked one."""
    with _Snapshot.lock:
        _Snapshot.current = None
    _Snapshot.local.checked = None


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Reference data version not changed (cache error); other processes "
                       "reload within %.0f s", MAX_AGE_SECONDS, exc_info=True)
    _forget()


def reference_data_changed(**_kwargs) -> None:
    """Provinces, offices or facilities were written: every process reloads them. Also a
    signal receiver (registry.apps)."""
    _new_version()
    transaction.on_commit(_new_version)


def _request_started(**_kwargs) -> None:
    _Snapshot.local.in_request = True
    _Snapshot.local.checked = None


def _request_finished(**_kwargs) -> None:
    _Snapshot.local.in_request = False
    _Snapshot.local.checked = None


request_started.connect(_request_started, dispatch_uid="registry.reference.request_started")
request_finished.connect(_request_finished, dispatch_uid="registry.reference.request_finished")
