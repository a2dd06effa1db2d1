"""Staff decisions on a declaration: an officer takes it (in review), then approves or
rejects it. Each decision locks the declaration's row, refuses a transition that is not
allowed (approved and rejected are final), records who decided and when, writes the audit
record and enqueues its messages in the same transaction; the messages and PDFs leave
through Celery tasks dispatched after commit.

Two officers deciding the same declaration at the same moment: the second waits for the
first's lock, then finds a final status and is refused. One decision, one account, one
SMS.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import temporary_password_new
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from declarations.models import Declaration, ShortLink
from declarations.selectors import declarations_reviewable_by
from declarations.services.pdf import HELD_FOR_REJECTION_NOTICE
from declarations.services.short_links import short_link_create
from declarations.status_links import status_url
from guardians.selectors import is_minor
from guardians.services import guardianship_create
from notifications.services import email_enqueue, sms_enqueue, sms_fit, sms_text

Status = Declaration.Status
REJECTION_TEXT_MAX = 500

MSG_NOT_FOUND = _("Không tìm thấy tờ khai này trong phạm vi cơ quan của bạn.")
MSG_FINAL = _("Tờ khai %(number)s đã có quyết định (%(status)s); không thể thay đổi.")
MSG_REASON_REQUIRED = _("Chọn lý do từ chối.")
MSG_TEXT_REQUIRED = _("Ghi rõ lý do để người kê khai biết cần sửa gì.")
MSG_TEXT_TOO_LONG = _("Lý do từ chối dài tối đa %(max)d ký tự.")
MSG_ACCOUNT_TAKEN = _(
    "Mã số BHXH %(code)s đang gắn với một tài khoản khác; cần kiểm tra trước khi duyệt."
)

MSG_NO_GUARDIAN = _("Tờ khai đăng ký cho con không ghi người giám hộ; không thể duyệt.")
MSG_CHILD_OF_AGE = _(
    "Người có mã số BHXH %(code)s đã đủ 18 tuổi: không duyệt tài khoản cho con được; hãy từ "
    "chối với lý do để người đó tự đăng ký."
)
MSG_CHILD_HAS_ID = _(
    "Người có mã số BHXH %(code)s đã có CCCD trên cơ sở dữ liệu BHXH: không duyệt tài khoản "
    "cho con được; hãy từ chối để người đó tự đăng ký theo CCCD."
)


class ReviewError(ValidationError):
    """A decision that cannot be made; `code` says why ("not_found", "final", ...)."""


def _locked(*, actor: User, declaration_id: int) -> Declaration:
    """The declaration, locked, if `actor` may review it (the one scope selector)."""
    declaration = (
        declarations_reviewable_by(user=actor)
        .select_for_update(of=("self",))
        .select_related("office", "insured_person", "submitted_by")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise ReviewError(MSG_NOT_FOUND, code="not_found")
    return declaration


def _refuse_if_final(declaration: Declaration) -> None:
    if not declaration.is_pending:
        raise ReviewError(
            MSG_FINAL % {
                "number": declaration.number,
                "status": declaration.get_status_display(),
            },
            code="final",
        )


def declaration_review_start(
    *, actor: User, declaration_id: int, context: AuditContext
) -> Declaration:
    """The officer takes the declaration: in review, assigned to them (taking over from
    another officer is allowed while it is pending, and recorded)."""
    with transaction.atomic():
        declaration = _locked(actor=actor, declaration_id=declaration_id)
        _refuse_if_final(declaration)
        previous = declaration.reviewer_id
        if declaration.status == Status.IN_REVIEW and previous == actor.pk:
            return declaration
        declaration.status = Status.IN_REVIEW
        declaration.reviewer = actor
        declaration.review_started_at = timezone.now()
        declaration.save(update_fields=["status", "reviewer", "review_started_at", "updated_at"])
        audit_record(
            action=AuditAction.DECLARATION_REVIEW_STARTED, target=declaration, actor=actor,
            data={"number": declaration.number, "previous_reviewer": previous},
            context=context,
        )
    return declaration


def _refuse_if_not_a_child_now(declaration: Declaration) -> None:
    """A child's registration is decided on the child as they are on the day of the
    decision: one who has turned 18 or whose CCCD has reached the registry since the filing
    is refused here (the officer rejects it with a reason)."""
    if declaration.kind != Declaration.Kind.CHILD_REGISTRATION:
        return
    person = declaration.insured_person
    if not is_minor(person):
        raise ReviewError(MSG_CHILD_OF_AGE % {"code": person.bhxh_code}, code="not_a_child")
    if person.id_number:
        raise ReviewError(MSG_CHILD_HAS_ID % {"code": person.bhxh_code}, code="has_id_document")
    if declaration.submitted_by_id is None:
        raise ReviewError(MSG_NO_GUARDIAN, code="no_guardian")


def _account_for(declaration: Declaration, password: str) -> tuple[User, AuditAction]:
    """Create the citizen's account (login = BHXH code, linked to the insured person), or
    activate the one that exists, with `password` to be changed at first login."""
    person = declaration.insured_person
    user = (
        User.objects.select_for_update()
        .filter(username=declaration.bhxh_code)
        .first()
    )
    holder = User.objects.filter(insured_person=person).exclude(
        username=declaration.bhxh_code
    ).first()
    if holder is not None or (
        user is not None
        and (user.insured_person_id not in (None, person.pk) or user.is_staff
             or user.is_superuser)
    ):
        raise ReviewError(MSG_ACCOUNT_TAKEN % {"code": declaration.bhxh_code},
                          code="account_conflict")
    action = AuditAction.ACCOUNT_ACTIVATED
    if user is None:
        user = User(username=declaration.bhxh_code)
        action = AuditAction.ACCOUNT_CREATED
    user.insured_person = person
    user.full_name = person.full_name
    user.phone = declaration.phone
    user.email = declaration.email
    user.language = declaration.language
    user.is_active = True
    user.is_staff = False
    user.must_change_password = True
    user.set_password(password)
    user.save()
    return user, action


def _approval_texts(
    declaration: Declaration, user: User, password: str
) -> tuple[str, str, tuple[str, ...]]:
    """The approval's SMS (with the temporary password), e-mail (without it) and the SMS's
    secrets (the password, and the link that opens the declaration), in the active
    language: a child's go to the guardian who filed it. A citizen's SMS carries a new
    short link to the status page (a write: call in the decision's transaction)."""
    values = {"number": declaration.number, "login": user.username, "password": password,
              "name": declaration.full_name, "office": declaration.office.name,
              "url": status_url(declaration)}
    if declaration.kind == Declaration.Kind.CHILD_REGISTRATION:
        sms = gettext(
            "VssID: Tài khoản của con %(code)s đã được duyệt. Mật khẩu tạm thời: "
            "%(password)s. Đổi mật khẩu khi đăng nhập lần đầu."
        ) % {"code": user.username, "password": password}
        email = gettext(
            "Kính gửi quý phụ huynh,\n\n"
            "%(office)s đã duyệt tờ khai đăng ký tài khoản cho con số %(number)s. "
            "Tài khoản của %(name)s đã được kích hoạt và bạn được ghi nhận là người "
            "giám hộ của con trên VssID đến khi con đủ 18 tuổi.\n\n"
            "Tên đăng nhập của con: mã số BHXH %(login)s. Mật khẩu tạm thời đã được "
            "gửi qua SMS tới số điện thoại của bạn (vì lý do an toàn, thư này không "
            "chứa mật khẩu).\n\n"
            "Thư này được gửi tự động, vui lòng không trả lời."
        ) % values
        return sms, email, (password,)
    # One SMS segment with the short link: the login page itself asks for a new password.
    short = short_link_create(declaration=declaration, kind=ShortLink.Kind.STATUS)
    sms = gettext(
        "VssID: Tờ khai %(number)s đã được duyệt. Tên đăng nhập: %(login)s, mật "
        "khẩu tạm thời: %(password)s. %(url)s"
    ) % {**values, "url": short}
    email = gettext(
        "Kính gửi %(name)s,\n\n"
        "%(office)s đã duyệt tờ khai đăng ký giao dịch điện tử số %(number)s. "
        "Tài khoản của bạn đã được kích hoạt.\n\n"
        "Tên đăng nhập: mã số BHXH %(login)s. Mật khẩu tạm thời đã được gửi qua "
        "SMS tới số điện thoại bạn đã kê khai (vì lý do an toàn, thư này không "
        "chứa mật khẩu). Hãy đổi mật khẩu ở lần đăng nhập đầu tiên.\n\n"
        "Xem tình trạng tờ khai: %(url)s\n\n"
        "Nếu không nhận được SMS, vui lòng gọi tổng đài BHXH 1900 9068.\n\n"
        "Thư này được gửi tự động, vui lòng không trả lời."
    ) % values
    return sms, email, (password, short)


def _approval_messages(declaration: Declaration, user: User, password: str) -> None:
    with translation.override(declaration.language):
        sms, email, secrets = _approval_texts(declaration, user, password)
        sms_enqueue(
            to=declaration.phone, body=sms_text(sms), concerns=declaration, secret=secrets,
            dedup_key=f"declaration:{declaration.uuid}:approved:sms",
            language=declaration.language,
        )
        if declaration.send_email and declaration.email:
            email_enqueue(
                to=declaration.email,
                subject=gettext("Tờ khai %(number)s đã được duyệt") % {
                    "number": declaration.number
                },
                body=email,
                concerns=declaration,
                dedup_key=f"declaration:{declaration.uuid}:approved:email",
                language=declaration.language,
            )


def declaration_approve(*, actor: User, declaration_id: int, context: AuditContext) -> Declaration:
    """Approve: the citizen's account is created or activated with a random 8-digit
    temporary password (only its hash is stored; the SMS that carries it is sensitive and
    erased once delivered), must_change_password set, the SMS (and the e-mail when asked)
    enqueued, the decision audited."""
    password = temporary_password_new()
    with transaction.atomic():
        declaration = _locked(actor=actor, declaration_id=declaration_id)
        _refuse_if_final(declaration)
        _refuse_if_not_a_child_now(declaration)
        user, account_action = _account_for(declaration, password)
        now = timezone.now()
        declaration.status = Status.APPROVED
        declaration.account = user
        declaration.decided_at = now
        declaration.decided_by = actor
        if declaration.reviewer_id is None:
            declaration.reviewer = actor
            declaration.review_started_at = now
        declaration.save(update_fields=[
            "status", "account", "decided_at", "decided_by", "reviewer", "review_started_at",
            "updated_at",
        ])
        audit_record(
            action=AuditAction.DECLARATION_APPROVED, target=declaration, actor=actor,
            data={"number": declaration.number, "office": declaration.office.code,
                  "account": user.pk},
            context=context,
        )
        audit_record(
            action=account_action, target=user, actor=actor,
            data={"declaration": declaration.number}, context=context,
        )
        if declaration.kind == Declaration.Kind.CHILD_REGISTRATION:
            guardianship_create(
                guardian=declaration.submitted_by, child=declaration.insured_person,
                relationship=declaration.guardian_relationship, approved_by=actor,
                declaration_number=declaration.number, context=context,
            )
        _approval_messages(declaration, user, password)
    return declaration


def _rejection_messages(declaration: Declaration) -> None:
    from declarations.tasks import declaration_render_rejection_notice_task

    link = status_url(declaration)
    with translation.override(declaration.language):
        reason = declaration.get_rejection_reason_code_display()
        # One SMS segment: the short link, and the reason cut if it must be (the status
        # page and the e-mail give it whole).
        short = short_link_create(declaration=declaration, kind=ShortLink.Kind.STATUS)
        body = sms_fit(
            gettext("VssID: Tờ khai %(number)s bị từ chối. Lý do: %(reason)s. Chi tiết: %(url)s"),
            {"number": declaration.number, "reason": reason, "url": short},
            shrink="reason",
        )
        sms_enqueue(
            to=declaration.phone, body=body, concerns=declaration, secret=short,
            dedup_key=f"declaration:{declaration.uuid}:rejected:sms",
            language=declaration.language,
        )
        if declaration.send_email and declaration.email:
            email_enqueue(
                to=declaration.email,
                subject=gettext("Tờ khai %(number)s không được chấp nhận") % {
                    "number": declaration.number
                },
                body=gettext(
                    "Kính gửi %(name)s,\n\n"
                    "%(office)s đã kiểm tra tờ khai đăng ký giao dịch điện tử số %(number)s "
                    "và chưa thể chấp nhận.\n\n"
                    "Lý do: %(reason)s.\n%(text)s\n\n"
                    "Thông báo từ chối (Mẫu 01/TB-GDĐT) được đính kèm thư này. Bạn có thể "
                    "sửa lại và gửi tờ khai mới ngay: %(url)s\n\n"
                    "Cần hỗ trợ, vui lòng gọi tổng đài BHXH 1900 9068.\n\n"
                    "Thư này được gửi tự động, vui lòng không trả lời."
                ) % {"name": declaration.full_name, "office": declaration.office.name,
                     "number": declaration.number, "reason": reason,
                     "text": declaration.rejection_reason, "url": link},
                hold=True,
                held_for=HELD_FOR_REJECTION_NOTICE,
                concerns=declaration,
                dedup_key=f"declaration:{declaration.uuid}:rejected:email",
                language=declaration.language,
            )
    declaration_id = declaration.pk
    transaction.on_commit(lambda: declaration_render_rejection_notice_task.delay(declaration_id))


def rejection_validate(*, reason_code: str, text: str) -> tuple[str, str]:
    """The standard reason and the explanation, both required; ValidationError by field."""
    text = " ".join((text or "").replace("\x00", "").split())
    errors: dict[str, list[ValidationError]] = {}
    if reason_code not in Declaration.RejectionReason.values:
        errors["reason_code"] = [ValidationError(MSG_REASON_REQUIRED, code="required")]
    if not text:
        errors["text"] = [ValidationError(MSG_TEXT_REQUIRED, code="required")]
    elif len(text) > REJECTION_TEXT_MAX:
        errors["text"] = [ValidationError(MSG_TEXT_TOO_LONG % {"max": REJECTION_TEXT_MAX},
                                          code="max_length")]
    if errors:
        raise ValidationError(errors)
    return reason_code, text


def declaration_reject(
    *, actor: User, declaration_id: int, reason_code: str, text: str, context: AuditContext
) -> Declaration:
    """Reject with a standard reason and an explanation (both required): the SMS with the
    reason and the status link; when the citizen asked for e-mail, an e-mail that waits
    for the rejection notice PDF (01/TB-GDĐT) rendered after commit. The citizen may
    register again at once (the declaration is no longer pending)."""
    with transaction.atomic():
        declaration = _locked(actor=actor, declaration_id=declaration_id)
        _refuse_if_final(declaration)
        reason_code, text = rejection_validate(reason_code=reason_code, text=text)
        now = timezone.now()
        declaration.status = Status.REJECTED
        declaration.rejection_reason_code = reason_code
        declaration.rejection_reason = text
        declaration.decided_at = now
        declaration.decided_by = actor
        if declaration.reviewer_id is None:
            declaration.reviewer = actor
            declaration.review_started_at = now
        declaration.save(update_fields=[
            "status", "rejection_reason_code", "rejection_reason", "decided_at", "decided_by",
            "reviewer", "review_started_at", "updated_at",
        ])
        audit_record(
            action=AuditAction.DECLARATION_REJECTED, target=declaration, actor=actor,
            data={"number": declaration.number, "office": declaration.office.code,
                  "reason": reason_code},
            context=context,
        )
        _rejection_messages(declaration)
    return declaration
