"""Two submissions for the same BHXH code at the same moment, on PostgreSQL: exactly one
declaration, and the other citizen gets the "pending declaration" message, not a 500."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from declarations.models import Declaration
from declarations.services.registration import declaration_submit_self_registration
from tests.declarations.registration_helpers import (
    person_and_office,
    registration_data,
    sample_photos,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite serialises writers, so the race "
        "cannot happen there",
    ),
]


@pytest.mark.parametrize("precheck", [True, False], ids=["with-precheck", "constraint-only"])
def test_simultaneous_duplicates_give_one_declaration_and_clean_errors(precheck, monkeypatch):
    from declarations.services import registration_validation as rules

    if not precheck:
        # Every request gets past the read-side check: only the constraint stands.
        monkeypatch.setattr(rules, "has_pending_declaration", lambda code: False)
    person, office = person_and_office()
    photos = sample_photos()
    barrier = threading.Barrier(4)
    outcomes: list = []

    def submit(phone: str) -> None:
        try:
            barrier.wait()
            with translation.override("vi"):
                declaration_submit_self_registration(
                    data=registration_data(person, office, phone=phone),
                    photos=photos,
                    language="vi",
                )
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(exc.message_dict)
        except Exception as exc:  # noqa: BLE001 - the test reports what leaked
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(f"091234{n:04d}",)) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcomes.count("created") == 1, outcomes
    errors = [o for o in outcomes if o != "created"]
    assert len(errors) == 3
    for error in errors:
        assert isinstance(error, dict), error
        assert "đang chờ" in error["bhxh_code"][0]
    assert Declaration.objects.filter(bhxh_code=person.bhxh_code).count() == 1
