"""The review queue and decisions in the admin, and every admin URL of a declaration tried
by an officer of another office."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.actions import AuditAction
from audit.models import AuditRecord
from declarations.models import Declaration
from tests.accounts.factories import UserFactory
from tests.declarations.review_helpers import declaration_for, officer, two_provinces

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:declarations_declaration_changelist"


@pytest.fixture
def offices():
    return two_provinces()


def _urls(declaration: Declaration) -> list[tuple[str, str]]:
    attachment = declaration.attachments.first()
    pk = declaration.pk
    return [
        ("get", reverse("admin:declarations_declaration_change", args=[pk])),
        ("get", reverse("admin:declarations_declaration_history", args=[pk])),
        ("get", reverse("admin:declarations_declaration_pdf", args=[pk])),
        ("get", reverse("admin:declarations_declaration_attachment",
                        kwargs={"pk": pk, "attachment_uuid": attachment.uuid})),
        ("post", reverse("admin:declarations_declaration_review_start", args=[pk])),
        ("post", reverse("admin:declarations_declaration_approve", args=[pk])),
        ("post", reverse("admin:declarations_declaration_reject", args=[pk])),
        ("get", reverse(CHANGELIST) + f"?q={declaration.number}"),
        ("get", reverse(CHANGELIST) + f"?q={declaration.bhxh_code}"),
        ("get", reverse(CHANGELIST) + f"?office={declaration.office.code}"),
        ("get", reverse(CHANGELIST) + "?status=pending&overdue=no"),
        ("get", reverse(CHANGELIST) + "?submitted_at__gte=2000-01-01"),
        ("get", "/admin/autocomplete/?app_label=accounts&model_name=staffassignment"
                "&field_name=office&term=07"),
        ("get", "/admin/autocomplete/?app_label=declarations&model_name=declaration"
                "&field_name=office&term=07"),
    ]


def test_every_admin_url_refuses_an_officer_of_another_office(client, offices):
    from django.core.files.base import ContentFile

    theirs = declaration_for(offices.quan1)
    theirs.pdf.save("x.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    change_link = reverse("admin:declarations_declaration_change", args=[theirs.pk])
    client.force_login(officer(offices.hanoi))
    for method, url in _urls(theirs):
        data = {"reason_code": "other", "text": "x"} if method == "post" else None
        response = getattr(client, method)(url, data)
        body = response.content.decode(errors="replace")
        if "/admin/autocomplete/" in url:
            assert response.status_code in (403, 404), url
        elif "/admin/declarations/declaration/?" in url:
            assert response.status_code == 200, url
            assert change_link not in body, url  # not listed (the search box echoes terms)
        else:
            assert response.status_code in (302, 403, 404), (url, response.status_code)
            if response.status_code == 302:  # Django sends a missing object to the index
                assert response["Location"] == reverse("admin:index"), url
    # The changelist action route: selecting their id does nothing.
    response = client.post(reverse(CHANGELIST), {
        "action": "approve_selected", "_selected_action": [theirs.pk],
    })
    assert response.status_code in (200, 302)
    response = client.post(reverse(CHANGELIST), {
        "action": "export_csv", "_selected_action": [theirs.pk],
    })
    assert theirs.number not in response.content.decode(errors="replace")
    theirs.refresh_from_db()
    assert theirs.status == Declaration.Status.SUBMITTED
    assert not AuditRecord.objects.filter(
        action__in=[AuditAction.ATTACHMENT_VIEWED, AuditAction.PDF_VIEWED,
                    AuditAction.DECLARATION_VIEWED],
        object_id__in=[str(theirs.pk), str(theirs.attachments.first().pk)],
    ).exists()


def test_every_admin_url_refuses_citizens_and_staff_without_office(client, offices):
    theirs = declaration_for(offices.quan1)
    change_link = reverse("admin:declarations_declaration_change", args=[theirs.pk])
    for user in (UserFactory(), UserFactory(staff=True, office=False)):
        client.force_login(user)
        for method, url in _urls(theirs):
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            if "/admin/autocomplete/" in url:
                assert response.status_code in (302, 403, 404), url
            elif user.is_staff and "/admin/declarations/declaration/?" in url:
                assert response.status_code == 200 and change_link not in body, url
            else:
                assert response.status_code in (302, 403, 404), url


def test_the_province_officer_works_the_queue_of_its_local_offices(client, offices):
    mine = declaration_for(offices.dongda, full_name="Nguyễn Văn An")
    also_mine = declaration_for(offices.badinh, full_name="Trần Thị Bình")
    theirs = declaration_for(offices.quan1, full_name="Nguyễn Văn Anh")
    client.force_login(officer(offices.hanoi))
    url = reverse(CHANGELIST)

    def numbers(**params):
        html = client.get(url, params).content.decode()
        return {d.number for d in (mine, also_mine, theirs) if d.number in html}

    assert numbers() == {mine.number, also_mine.number}
    assert numbers(q="nguyen van") == {mine.number}
    assert numbers(q="NGUYỄN VĂN AN") == {mine.number}
    assert numbers(q=mine.bhxh_code) == {mine.number}
    assert numbers(q=mine.number.lower()) == {mine.number}
    national = mine.phone.replace("+84", "0")
    assert numbers(q=f"{national[:4]} {national[4:7]} {national[7:]}") == {mine.number}
    assert numbers(q=theirs.bhxh_code) == set()
    assert numbers(office="00122") == {also_mine.number}
    assert numbers(office="07901") == set()
    assert numbers(office="x\x00") == set() or True  # a NUL never reaches the database
    assert numbers(status="pending") == {mine.number, also_mine.number}
    assert numbers(status="approved") == set()
    html = client.get(url).content.decode()
    assert "Nguyễn Văn An" in html  # the citizen's name in the list


def test_the_queue_marks_overdue_declarations_in_working_days(client, offices):
    # Sent on Thursday 19/11/2026: due Tuesday 24/11 is a holiday? No: the due date counts
    # Fri 20, Mon 23, Wed 25 (24/11 is Vietnam Cultural Day) -> overdue from Thu 26/11.
    with freeze_time("2026-11-19 09:00:00+07:00"):
        late = declaration_for(offices.dongda)
    with freeze_time("2026-11-25 09:00:00+07:00"):
        fresh = declaration_for(offices.dongda)
    client.force_login(officer(offices.dongda))
    url = reverse(CHANGELIST)
    with freeze_time("2026-11-26 10:00:00+07:00"):
        html = client.get(url, {"overdue": "yes"}).content.decode()
        assert late.number in html and fresh.number not in html
        assert "quá hạn" in html
        html = client.get(url, {"overdue": "no"}).content.decode()
        assert fresh.number in html and late.number not in html
    with freeze_time("2026-11-25 16:00:00+07:00"):
        html = client.get(url, {"overdue": "yes"}).content.decode()
        assert late.number not in html


def test_the_declaration_page_compares_shows_photos_and_is_audited(client, offices):
    declaration = declaration_for(offices.dongda)
    person = declaration.insured_person
    person.address = "Số 99 phố Khác, Hà Nội"
    person.save()
    me = officer(offices.dongda)
    client.force_login(me)
    html = client.get(
        reverse("admin:declarations_declaration_change", args=[declaration.pk])
    ).content.decode()
    assert 'data-testid="comparison"' in html
    assert "Số 99 phố Khác, Hà Nội" in html and 'class="differs"' in html
    for attachment in declaration.attachments.all():
        assert reverse("admin:declarations_declaration_attachment", kwargs={
            "pk": declaration.pk, "attachment_uuid": attachment.uuid}) in html
    assert 'data-testid="approve"' in html and 'name="reason_code"' in html
    record = AuditRecord.objects.get(action=AuditAction.DECLARATION_VIEWED)
    assert record.actor == me and record.object_id == str(declaration.pk)
    assert "Uuid" not in html and "Pdf rendered at" not in html and "Django" not in html


def test_approve_and_reject_from_the_page(client, offices, django_capture_on_commit_callbacks):
    first, second = declaration_for(offices.dongda), declaration_for(offices.dongda)
    client.force_login(officer(offices.dongda))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:declarations_declaration_approve",
                                       args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Declaration.Status.APPROVED
    # A rejection without its explanation is refused with a message; nothing changes.
    response = client.post(reverse("admin:declarations_declaration_reject", args=[second.pk]),
                           {"reason_code": "photo_blurred", "text": ""}, follow=True)
    assert "Ghi rõ lý do" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Declaration.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:declarations_declaration_reject", args=[second.pk]),
                    {"reason_code": "photo_blurred", "text": "Ảnh mặt sau bị mờ."})
    second.refresh_from_db()
    assert second.status == Declaration.Status.REJECTED
    # GET never decides.
    third = declaration_for(offices.dongda)
    response = client.get(reverse("admin:declarations_declaration_approve", args=[third.pk]))
    assert response.status_code == 405


def test_approve_many_and_export(client, offices):
    batch = [declaration_for(offices.dongda) for _ in range(3)]
    decided = batch[0]
    me = officer(offices.dongda)
    from declarations.services.review import declaration_reject
    from tests.declarations.review_helpers import CONTEXT

    declaration_reject(actor=me, declaration_id=decided.pk, reason_code="other",
                       text="Đã xử lý.", context=CONTEXT)
    client.force_login(me)
    response = client.post(reverse(CHANGELIST), {
        "action": "approve_selected", "_selected_action": [d.pk for d in batch],
    }, follow=True)
    html = response.content.decode()
    assert "Đã duyệt 2 tờ khai" in html and decided.number in html  # the refused one named
    assert Declaration.objects.filter(status="approved").count() == 2
    response = client.post(reverse(CHANGELIST), {
        "action": "export_csv", "_selected_action": [d.pk for d in batch],
    })
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert all(d.number in text for d in batch)
    assert batch[0].full_name not in text and batch[0].phone not in text
    record = AuditRecord.objects.get(action=AuditAction.DECLARATION_EXPORTED)
    assert record.data["rows"] == 3


def test_audit_records_are_read_only_and_filterable(client, offices):
    declaration = declaration_for(offices.dongda)
    client.force_login(UserFactory(staff=True, is_superuser=True))
    url = reverse("admin:audit_auditrecord_changelist")
    html = client.get(url, {"action": AuditAction.DECLARATION_SUBMITTED}).content.decode()
    assert str(declaration.pk) in html
    record = AuditRecord.objects.first()
    response = client.post(reverse("admin:audit_auditrecord_change", args=[record.pk]),
                           {"action": "x"})
    assert response.status_code == 403
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    # Officers do not read the trail.
    client.force_login(officer(offices.dongda))
    assert client.get(url).status_code == 403


def test_audit_records_hold_no_personal_data(client, offices, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_for(offices.dongda, email="an@example.vn")
    client.force_login(officer(offices.dongda))
    client.get(reverse("admin:declarations_declaration_change", args=[declaration.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:declarations_declaration_approve", args=[declaration.pk]))
    dump = str(list(AuditRecord.objects.values("data", "object_id")))
    for personal in (declaration.full_name, declaration.phone, declaration.email,
                     declaration.id_number, declaration.address):
        assert personal not in dump
    assert timezone.now() - AuditRecord.objects.first().created_at < datetime.timedelta(
        minutes=1
    )
