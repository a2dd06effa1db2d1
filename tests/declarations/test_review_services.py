"""Staff decisions: take, approve, reject; the office scope; the account and the messages
a decision makes; final states."""
import pytest
from django.core.exceptions import ValidationError

from accounts.models import StaffAssignment, User
from audit.actions import AuditAction
from audit.models import AuditRecord
from declarations.models import Declaration
from declarations.selectors import declarations_reviewable_by
from declarations.services.review import (
    ReviewError,
    declaration_approve,
    declaration_reject,
    declaration_review_start,
)
from notifications.models import OutboundMessage
from notifications.selectors import messages_concerning
from tests.accounts.factories import UserFactory
from tests.declarations.review_helpers import CONTEXT, declaration_for, officer, two_provinces
from tests.declarations.short_link_helpers import received_sms, short_link_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    return two_provinces()


def test_scope_local_office_province_office_and_superuser(offices):
    dongda = declaration_for(offices.dongda)
    badinh = declaration_for(offices.badinh)
    quan1 = declaration_for(offices.quan1)

    def visible(user):
        return set(declarations_reviewable_by(user=user).values_list("number", flat=True))

    assert visible(officer(offices.dongda)) == {dongda.number}
    assert visible(officer(offices.hanoi)) == {dongda.number, badinh.number}
    assert visible(officer(offices.hcm)) == {quan1.number}
    two = officer(offices.dongda)
    StaffAssignment.objects.create(user=two, office=offices.quan1)
    assert visible(two) == {dongda.number, quan1.number}
    assert visible(UserFactory(staff=True, is_superuser=True)) == {
        dongda.number, badinh.number, quan1.number
    }
    # Staff without the officers' permission, inactive staff and citizens see nothing.
    no_permission = officer(offices.dongda)
    no_permission.groups.clear()
    assert visible(no_permission) == set()
    assert visible(officer(offices.hanoi, is_active=False)) == set()
    assert visible(UserFactory()) == set()
    assert visible(UserFactory(staff=True, office=False)) == set()


def test_take_assigns_the_officer_and_audits(offices):
    declaration = declaration_for(offices.dongda)
    me = officer(offices.dongda)
    taken = declaration_review_start(actor=me, declaration_id=declaration.pk, context=CONTEXT)
    assert taken.status == Declaration.Status.IN_REVIEW and taken.reviewer == me
    record = AuditRecord.objects.get(action=AuditAction.DECLARATION_REVIEW_STARTED)
    assert record.actor == me and record.ip_address == "203.0.113.7"
    assert record.data["channel"] == "admin"
    # A colleague may take it over while it is pending; it is recorded.
    colleague = officer(offices.hanoi)
    declaration_review_start(actor=colleague, declaration_id=declaration.pk, context=CONTEXT)
    assert Declaration.objects.get(pk=declaration.pk).reviewer == colleague
    assert AuditRecord.objects.filter(action=AuditAction.DECLARATION_REVIEW_STARTED).count() == 2


def test_approve_creates_the_account_with_a_temporary_password(
    offices, django_capture_on_commit_callbacks
):
    declaration = declaration_for(offices.dongda, email="an@example.vn")
    me = officer(offices.dongda)
    with django_capture_on_commit_callbacks(execute=True):
        approved = declaration_approve(actor=me, declaration_id=declaration.pk,
                                       context=CONTEXT)

    assert approved.status == Declaration.Status.APPROVED
    assert approved.decided_by == me and approved.decided_at is not None
    user = User.objects.get(username=declaration.bhxh_code)
    assert approved.account == user
    assert user.insured_person == declaration.insured_person
    assert user.is_active and not user.is_staff and user.must_change_password
    assert user.phone == declaration.phone

    sms = messages_concerning(approved, channel="sms").get(dedup_key__endswith=":approved:sms")
    assert sms.sensitive and sms.status == OutboundMessage.Status.SENT
    # The password went out in the SMS, and only its mask remains on the row.
    from notifications.sms.backends.locmem import outbox

    sent = [m for m in outbox if m.id == str(sms.uuid)]
    assert len(sent) == 1
    password = sent[0].body.split("mat khau tam thoi: ")[1][:8]
    assert password.isdigit() and len(password) == 8
    assert user.check_password(password)
    assert password not in sms.body and "********" in sms.body
    assert sent[0].body.isascii() and declaration.number in sent[0].body
    assert short_link_in(sent[0].body)
    assert password not in str(AuditRecord.objects.values_list("data", flat=True))
    # The e-mail (asked for) says where the password went, never the password.
    email = messages_concerning(approved, channel="email").get(
        dedup_key__endswith=":approved:email"
    )
    assert password not in email.body and not email.sensitive
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {AuditAction.DECLARATION_APPROVED, AuditAction.ACCOUNT_CREATED} <= actions


def test_approve_activates_an_existing_inactive_account(offices):
    declaration = declaration_for(offices.dongda)
    existing = UserFactory(insured_person=declaration.insured_person, is_active=False)
    declaration_approve(actor=officer(offices.dongda), declaration_id=declaration.pk,
                        context=CONTEXT)
    existing.refresh_from_db()
    assert existing.is_active and existing.must_change_password
    assert User.objects.filter(username=declaration.bhxh_code).count() == 1
    assert AuditRecord.objects.filter(action=AuditAction.ACCOUNT_ACTIVATED).exists()


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_decisions_are_final(offices, decide):
    declaration = declaration_for(offices.dongda)
    me = officer(offices.dongda)
    declaration_reject(actor=me, declaration_id=declaration.pk, reason_code="photo_blurred",
                       text="Ảnh mặt trước bị mờ.", context=CONTEXT)
    with pytest.raises(ReviewError) as caught:
        if decide == "approve":
            declaration_approve(actor=me, declaration_id=declaration.pk, context=CONTEXT)
        else:
            declaration_reject(actor=me, declaration_id=declaration.pk,
                               reason_code="other", text="x", context=CONTEXT)
    assert caught.value.code == "final"
    with pytest.raises(ReviewError):
        declaration_review_start(actor=me, declaration_id=declaration.pk, context=CONTEXT)
    assert not User.objects.filter(username=declaration.bhxh_code).exists()


def test_another_offices_officer_cannot_decide(offices):
    declaration = declaration_for(offices.quan1)
    outsider = officer(offices.hanoi)
    for call in (
        lambda: declaration_review_start(actor=outsider, declaration_id=declaration.pk,
                                         context=CONTEXT),
        lambda: declaration_approve(actor=outsider, declaration_id=declaration.pk,
                                    context=CONTEXT),
        lambda: declaration_reject(actor=outsider, declaration_id=declaration.pk,
                                   reason_code="other", text="x", context=CONTEXT),
    ):
        with pytest.raises(ReviewError) as caught:
            call()
        assert caught.value.code == "not_found"
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SUBMITTED


@pytest.mark.parametrize(
    ("reason", "text", "field"),
    [("", "Ảnh mờ", "reason_code"), ("made_up", "Ảnh mờ", "reason_code"),
     ("photo_blurred", "   ", "text"), ("photo_blurred", "x" * 501, "text")],
)
def test_reject_needs_a_standard_reason_and_an_explanation(offices, reason, text, field):
    declaration = declaration_for(offices.dongda)
    with pytest.raises(ValidationError) as caught:
        declaration_reject(actor=officer(offices.dongda), declaration_id=declaration.pk,
                           reason_code=reason, text=text, context=CONTEXT)
    assert field in caught.value.message_dict
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SUBMITTED


def test_reject_notifies_with_the_reason_and_a_notice_pdf(
    offices, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_for(offices.dongda, email="an@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        rejected = declaration_reject(
            actor=officer(offices.dongda), declaration_id=declaration.pk,
            reason_code="name_differs", text="Họ tên trên CCCD là Nguyễn Thị Ánh.",
            context=CONTEXT,
        )
    rejected.refresh_from_db()
    assert rejected.status == Declaration.Status.REJECTED
    assert rejected.rejection_reason_code == "name_differs"
    assert rejected.rejection_notice_pdf  # rendered after commit (tasks run in-process)
    sms = messages_concerning(rejected, channel="sms").get(dedup_key__endswith=":rejected:sms")
    assert "Ho ten hoac ngay sinh khac voi giay to tuy than" in sms.body
    # The link opens the declaration without logging in: masked in the outbox once sent.
    assert sms.sensitive and not short_link_in(sms.body)
    assert short_link_in(received_sms(rejected.number))
    sent = [m for m in mail.outbox if "không được chấp nhận" in m.subject]
    assert len(sent) == 1
    assert "Nguyễn Thị Ánh" in sent[0].body
    names = [name for name, _content, _type in sent[0].attachments]
    assert names == [f"thong-bao-tu-choi-{rejected.number}.pdf"]
    assert sent[0].attachments[0][1].startswith(b"%PDF")
    # The receipt e-mail of the submit carries the declaration, not the notice.
    receipt = [m for m in mail.outbox if m.subject.startswith("Tờ khai đăng ký")]
    assert all(name.startswith("to-khai-") for m in receipt for name, *_ in m.attachments)


def test_rejected_citizen_can_register_again_at_once(offices):
    from declarations.services.registration import declaration_submit_self_registration
    from tests.declarations.registration_helpers import registration_data, sample_photos

    first = declaration_for(offices.dongda)
    declaration_reject(actor=officer(offices.dongda), declaration_id=first.pk,
                       reason_code="wrong_office", text="Chọn BHXH cơ sở Ba Đình.",
                       context=CONTEXT)
    again = declaration_submit_self_registration(
        data=registration_data(first.insured_person, offices.badinh, phone="0987111222"),
        photos=sample_photos(), language="vi",
    )
    assert again.status == Declaration.Status.SUBMITTED and again.pk != first.pk
