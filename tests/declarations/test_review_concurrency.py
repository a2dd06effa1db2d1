"""Two officers deciding the same declaration at the same moment, on PostgreSQL with two
connections: one decision, one account, one SMS."""
import threading

import pytest
from django.db import connection, connections

from accounts.models import User
from declarations.models import Declaration
from declarations.services.review import ReviewError, declaration_approve, declaration_reject
from notifications.models import OutboundMessage
from tests.declarations.review_helpers import CONTEXT, declaration_for, officer, two_provinces

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite serialises writers, so the race "
        "cannot happen there",
    ),
]


def _race(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call().status
        except ReviewError as exc:
            outcomes[index] = exc.code
        except Exception as exc:  # noqa: BLE001 - the test reports what leaked
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.parametrize("second", ["approve", "reject"])
def test_simultaneous_decisions_make_one(second):
    offices = two_provinces()
    declaration = declaration_for(offices.dongda)
    one, two = officer(offices.dongda), officer(offices.hanoi)

    def approve(actor):
        return lambda: declaration_approve(actor=actor, declaration_id=declaration.pk,
                                           context=CONTEXT)

    other = approve(two) if second == "approve" else (
        lambda: declaration_reject(actor=two, declaration_id=declaration.pk,
                                   reason_code="other", text="Trùng quyết định.",
                                   context=CONTEXT)
    )
    for _round in range(3):
        outcomes = _race(approve(one), other)
        assert sorted(map(str, outcomes)).count("final") == 1, outcomes
        assert all(o in ("approved", "rejected", "final") for o in outcomes), outcomes
        declaration.refresh_from_db()
        decided = declaration.status
        assert User.objects.filter(username=declaration.bhxh_code).count() == (
            1 if decided == "approved" else 0
        )
        sms = OutboundMessage.objects.filter(concerns_id=str(declaration.uuid), channel="sms")
        decision_sms = sms.exclude(dedup_key__endswith=":received:sms")
        assert decision_sms.count() == 1
        # Next round: a fresh declaration.
        declaration = declaration_for(offices.dongda)
    assert Declaration.objects.filter(status__in=["approved", "rejected"]).count() == 3
