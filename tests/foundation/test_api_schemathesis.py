"""The schema tells the truth: schemathesis generates requests from /api/v1/schema/ and
sends them, in-process, through the portal's WSGI application (no server, no network);
every answer must be one the schema documents, in the documented shape, media type and
headers, and none may be a 500. Most requests come from a logged-in citizen who is also a
guardian (their card, history, declarations and child are in the database); some are
anonymous, carry an unknown token, or come from an account with a temporary password.

Run it alone: `.venv/bin/python -m pytest -m api_schema` (or this file;
`-k "POST and registrations"` for one operation).

Examples: at most 25 per operation in the fuzzing phase (hypothesis's `max_examples`),
after schemathesis's coverage phase (the boundary and invalid values of every parameter
and field, and every method the path does not take: a few to ~80 requests per operation)
and its examples phase: ≈1,400 requests for the 22 operations, 30-45 s on this 2-core
machine (SQLite or PostgreSQL). 25 keeps the test at well under a minute in CI while the
coverage phase already sends each field's edge cases; more examples mostly repeat 400s,
since no generator finds the registry-matching data a write needs. Derandomized
(`deterministic`, nothing learnt from the answers, no example database): the same requests
on every run, so a CI failure reproduces locally.

Checks: schemathesis's defaults, all on: not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance (formats included),
response_headers_conformance, negative_data_rejection, positive_data_acceptance (reads
only, see CONFIG), missing_required_header, ignored_auth, unsupported_method,
allow_header_conformance (use_after_free, ensure_resource_availability and
object_level_authorization are on too, but need stateful runs or several identities to
find anything)."""
import datetime
import uuid
import zlib

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from registry.models import InsuranceType, Office
from tests.accounts.factories import UserFactory
from tests.declarations.child_helpers import a_child, family, submit_child
from tests.guardians.factories import GuardianLinkFactory
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ParticipationPeriodFactory,
)
from vssid_portal.wsgi import application

pytestmark = pytest.mark.api_schema

MAX_EXAMPLES = 25  # per operation; see above

CONFIG = schemathesis.Config.from_dict({
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
    },
    # The answers carry random ids, declaration numbers, tokens and times: learning from
    # them (values reused from responses, feedback from 4xx) would make the requests differ
    # from run to run.
    "phases": {
        "examples": {"extra-data-sources": {"responses": False}},
        "coverage": {"extra-data-sources": {"responses": False}},
        "fuzzing": {"extra-data-sources": {"responses": False},
                    "error-feedback": {"enabled": False}},
    },
    "operations": [{
        # positive_data_acceptance ("a request the schema allows must be accepted") stays
        # on for the reads, whose parameters the schema describes exactly. The writes
        # check what no schema can say: a BHXH code, name and birth date that agree with
        # the registry, the caller's own password or OTP, a photo that decodes, a readable
        # QR code, a child in the caller's care. A schema-valid body is mostly, and
        # rightly, a 400 there; that 400 is documented (ValidationError).
        "include-method": "POST",
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }],
})

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


@pytest.fixture
def _test_transaction_kept():
    """Django closes the database connection when a request starts and ends (it is not in
    autocommit mode inside the test's transaction), which on PostgreSQL ends the test's
    transaction and its data. Django's test client disconnects this for its requests;
    schemathesis calls the WSGI application itself, so it is disconnected here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def citizen(db, settings, _test_transaction_kept):
    """A citizen with a card (issued by an office) and a participation history with a gap,
    guardian of a child with a card and history, who filed a child's registration (PDF
    rendered) and another one (PDF not yet rendered); a central office with no province
    in the office list. Returns the token and the ids the URLs can hold.

    The SMS and e-mails the requests cause (OTPs, receipts, shares) are rows of the outbox
    dispatched on commit, which never comes in a test's transaction: nothing is sent and
    nothing waits for a backend."""
    # The limits that guard accounts (login failures, OTPs per phone and address) would
    # answer every later request of a run with the same refusal: raised, as the API's
    # rates are by the test settings, so each request reaches the code it aims at.
    settings.LOGIN_FAILURES_PER_NAME = settings.LOGIN_FAILURES_PER_ADDRESS = 100_000
    settings.OTP_PER_DESTINATION_HOUR = settings.OTP_PER_DESTINATION_DAY = 100_000
    settings.OTP_PER_ADDRESS_HOUR = 100_000

    guardian, office = family(email="hoa@example.com")
    person = guardian.insured_person
    OfficeFactory(code="000", name="BHXH Việt Nam", level=Office.Level.CENTRAL, province=None)
    HealthInsuranceCardFactory(person=person, issuing_office=office,
                               facility=HealthFacilityFactory(code="01C54"))
    ParticipationPeriodFactory(person=person)
    ParticipationPeriodFactory(person=person, from_month=datetime.date(2021, 3, 1),
                               to_month=None)
    ParticipationPeriodFactory(person=person, insurance_type=InsuranceType.BHYT,
                               from_month=datetime.date(2016, 1, 1), to_month=None)

    with_pdf = submit_child(guardian, a_child(office), office)
    with_pdf.pdf.save("to-khai.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    without_pdf = submit_child(guardian, a_child(office, full_name="Lê Minh Hà"), office)

    in_care = InsuredPersonFactory(child=True)
    HealthInsuranceCardFactory(person=in_care)
    ParticipationPeriodFactory(person=in_care, insurance_type=InsuranceType.BHYT,
                               from_month=datetime.date(2015, 4, 1), to_month=None)
    link = GuardianLinkFactory(guardian=guardian, child=in_care)
    temporary = UserFactory(must_change_password=True)
    return {
        "token": Token.objects.create(user=guardian).key,
        "temporary_password_token": Token.objects.create(user=temporary).key,
        "ids": {"uuid": [with_pdf.uuid, without_pdf.uuid], "link": [link.uuid],
                "child": [link.uuid]},
    }


def _known_ids(case, ids: dict) -> None:
    """Most generated ids name nothing (a 404); about half are replaced by the citizen's
    own, chosen from the generated id itself so a run is still repeatable, so that the
    200 answers of the detail URLs are checked too."""
    for name, known in ids.items():
        value = (case.path_parameters or {}).get(name)
        try:
            number = uuid.UUID(str(value)).int
        except ValueError:
            continue  # a malformed id: the URL does not match, a 404
        if number % 2 == 0:
            case.path_parameters[name] = str(known[number // 2 % len(known)])


def _credentials(case, citizen: dict) -> dict:
    """The citizen's token for most requests; one in eight is anonymous, one in eight
    carries an unknown token, one in eight comes from an account that must still replace
    its temporary password, so that the 401 and 403 answers are checked too. Chosen from
    the request itself (with the session cookie schemathesis makes up, which varies even
    where nothing else does): a failing example replays with the same credentials."""
    body = case.body if isinstance(case.body, (dict, list, str, bytes, int, float)) else None
    request = (case.path_parameters, case.query, body, dict(case.headers or {}), case.cookies)
    bucket = zlib.crc32(repr(request).encode()) % 8
    if bucket == 0:
        return {}
    token = {1: "0" * 40, 2: citizen["temporary_password_token"]}.get(bucket, citizen["token"])
    return {"Authorization": f"Token {token}"}


@schema.parametrize()
# The citizen is made once per operation, on purpose: its examples share it (and the
# test's transaction). Multipart bodies with photos are large and slow to generate.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, citizen):
    headers = _credentials(case, citizen)
    _known_ids(case, citizen["ids"])
    case.call_and_validate(headers=headers)
