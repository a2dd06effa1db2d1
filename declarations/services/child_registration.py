"""A parent or guardian registers an account for their child (CV 702/BHXH-CNTT 2021): the
child must be in the registry, under 18, without an identity card on file, without an
account and without a pending declaration, and the name must match. The declaration
carries the guardian's phone and e-mail: the child's messages (the receipt with a link to
the PDF, the temporary password on approval, a rejection) reach the guardian."""
import logging
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from declarations.download_links import pdf_download_url
from declarations.models import Attachment, Declaration, ShortLink
from declarations.photos import SanitizedPhoto
from declarations.services.pdf import HELD_FOR_PDF
from declarations.services.registration import (
    attachments_store,
    declaration_insert,
    language_or_default,
)
from declarations.services.registration_validation import (
    MSG_PENDING,
    Errors,
    has_pending_declaration,
    receiving_office_validate,
)
from declarations.services.short_links import short_link_create
from declarations.validators import validate_bhxh_code
from guardians.models import GuardianLink
from guardians.selectors import is_minor
from notifications.services import email_enqueue, sms_enqueue, sms_text
from registry.models import InsuredPerson, Office
from registry.text import fold, normalize_name

logger = logging.getLogger(__name__)

CHILD_PHOTO_KINDS = (Attachment.Kind.PORTRAIT, Attachment.Kind.BIRTH_CERTIFICATE)
CHILD_FIELDS = ("bhxh_code", "full_name", "relationship")

MSG_GUARDIAN_NO_PHONE = _(
    "Tài khoản của bạn chưa có số điện thoại di động để nhận thông báo cho con. Vui lòng "
    "liên hệ cơ quan BHXH hoặc tổng đài 1900 9068."
)
MSG_GUARDIAN_NOT_CITIZEN = _(
    "Chỉ tài khoản giao dịch điện tử của người tham gia BHXH từ 18 tuổi mới đăng ký được tài "
    "khoản cho con."
)
MSG_NAME_DIFFERS = _(
    "Mã số BHXH và họ tên của con không khớp với cơ sở dữ liệu BHXH. Vui lòng kiểm tra lại mã "
    "số và nhập đúng họ tên như trên thẻ BHYT hoặc giấy khai sinh của con."
)
MSG_NOT_A_CHILD = _(
    "Người có mã số BHXH này đã đủ 18 tuổi: không đăng ký thay được. Người từ 18 tuổi tự "
    "đăng ký tài khoản giao dịch điện tử."
)
MSG_HAS_ID = _(
    "Người có mã số BHXH này đã có CCCD trong cơ sở dữ liệu BHXH: vui lòng đăng ký tài khoản "
    "theo CCCD (tự đăng ký), không đăng ký tài khoản cho con."
)
MSG_ALREADY_REGISTERED = _(
    "Con bạn đã có tài khoản giao dịch điện tử. Nếu quên mật khẩu, dùng chức năng quên mật "
    "khẩu."
)
MSG_SELF = _("Đây là mã số BHXH của chính bạn. Vui lòng nhập mã số BHXH của con.")
MSG_RELATIONSHIP = _("Vui lòng chọn quan hệ của bạn với trẻ.")
MSG_COMMITMENT = _("Vui lòng đọc và chọn “Đồng ý” với cam kết trước khi gửi tờ khai.")


@dataclass(frozen=True)
class ChildRegistrationData:
    bhxh_code: str
    full_name: str
    relationship: str = GuardianLink.Relationship.GUARDIAN
    office: str = ""
    commitment_accepted: bool = False


@dataclass(frozen=True)
class ValidatedChildRegistration:
    data: ChildRegistrationData
    guardian: User
    child: InsuredPerson
    office: Office | None


def _validate_guardian(guardian: User, errors: Errors) -> bool:
    """The account filing must be an adult citizen's with a phone; False (and nothing
    said about any child) when it is not."""
    if (not guardian.is_active or guardian.is_staff or guardian.insured_person_id is None
            or is_minor(guardian.insured_person)):
        errors.add("__all__", MSG_GUARDIAN_NOT_CITIZEN, "guardian_not_citizen")
        return False
    if not guardian.phone:
        errors.add("__all__", MSG_GUARDIAN_NO_PHONE, "guardian_without_phone")
        return False
    return True


def _validate_child(
    data: ChildRegistrationData, guardian: User, errors: Errors
) -> tuple[dict, InsuredPerson | None]:
    """The child by code and name. Only someone who has both right learns anything more
    about the record (adult, identity card, account, pending): a wrong name is answered
    with the name message alone."""
    clean: dict = {}
    child = None
    try:
        clean["bhxh_code"] = validate_bhxh_code(data.bhxh_code)
    except ValidationError as exc:
        errors.add("bhxh_code", exc)
    else:
        child = InsuredPerson.objects.filter(bhxh_code=clean["bhxh_code"]).first()

    full_name = normalize_name(data.full_name)
    clean["full_name"] = full_name
    if not full_name:
        errors.add("full_name", _("Vui lòng nhập họ và tên của con."), "required")
        return clean, None
    if len(full_name) > 100:
        errors.add("full_name", _("Họ và tên dài quá 100 ký tự."), "max_length")
        return clean, None
    if errors.has("bhxh_code"):
        return clean, None
    if child is None or fold(full_name) != child.name_folded:
        # An unknown code and a wrong name get the same answer: step 1 does not tell
        # whether a code exists.
        errors.add("full_name", MSG_NAME_DIFFERS, "name_mismatch")
        return clean, None

    if child.pk == guardian.insured_person_id:
        errors.add("bhxh_code", MSG_SELF, "own_code")
    elif not is_minor(child):
        errors.add("bhxh_code", MSG_NOT_A_CHILD, "not_a_child")
    elif child.id_number:
        errors.add("bhxh_code", MSG_HAS_ID, "has_id_document")
    elif User.objects.filter(insured_person=child, is_active=True).exists():
        errors.add("bhxh_code", MSG_ALREADY_REGISTERED, "already_registered")
    elif has_pending_declaration(child.bhxh_code):
        errors.add("bhxh_code", MSG_PENDING, "pending_declaration")
    return clean, child


def child_registration_validate(
    *,
    guardian: User,
    data: ChildRegistrationData,
    include_office: bool = True,
    include_commitment: bool = True,
) -> ValidatedChildRegistration:
    """Every rule of a child's registration. Raises ValidationError keyed by field
    (bhxh_code, full_name, relationship, office, accept_commitment; "__all__" for the
    guardian's own account). With include_office / include_commitment False, only the
    child (web step 1) is checked."""
    errors = Errors()
    if not _validate_guardian(guardian, errors):
        errors.raise_if_any()
    clean, child = _validate_child(data, guardian, errors)
    relationship = data.relationship
    if relationship not in GuardianLink.Relationship.values:
        errors.add("relationship", MSG_RELATIONSHIP, "required")
    office = None
    if include_office:
        clean["office"], office = receiving_office_validate(data.office, errors)
    if include_commitment and not data.commitment_accepted:
        errors.add("accept_commitment", MSG_COMMITMENT, "required")
    errors.raise_if_any()
    return ValidatedChildRegistration(
        data=ChildRegistrationData(
            bhxh_code=clean["bhxh_code"], full_name=clean["full_name"],
            relationship=relationship, office=clean.get("office", ""),
            commitment_accepted=data.commitment_accepted,
        ),
        guardian=guardian, child=child, office=office,
    )


def child_registration_declared(validated: ValidatedChildRegistration) -> ChildRegistrationData:
    """What the declaration of a validated child's registration carries of the child: the
    code and the name as the registry writes them (the name matched ignoring case,
    diacritics and spacing). The one place that says so: the filing and the commitment
    page."""
    return replace(validated.data, bhxh_code=validated.child.bhxh_code,
                   full_name=validated.child.full_name)


def child_registration_preview(
    *, guardian: User, data: ChildRegistrationData
) -> ChildRegistrationData:
    """What sending `data` would file (for the commitment step to show exactly that), the
    commitment aside. Reads only; raises ValidationError like child_registration_validate."""
    return child_registration_declared(child_registration_validate(
        guardian=guardian, data=data, include_commitment=False))


def child_photos_missing_errors(photos: dict) -> dict[str, list[ValidationError]]:
    messages = {
        Attachment.Kind.PORTRAIT: _("Vui lòng cung cấp ảnh chân dung của con."),
        Attachment.Kind.BIRTH_CERTIFICATE: _("Vui lòng cung cấp ảnh giấy khai sinh của con."),
    }
    return {
        kind.value: [ValidationError(messages[kind], code="required")]
        for kind in CHILD_PHOTO_KINDS
        if not photos.get(kind.value)
    }


def child_office_default(child: InsuredPerson) -> Office | None:
    """The receiving office preset for a child: the one printed on the child's current
    BHYT card, else the child's managing office, when it receives declarations."""
    from registry.selectors import insured_person_current_card

    card = insured_person_current_card(person=child)
    for office in (card.issuing_office if card else None, child.office):
        if office is not None and office.is_active and office.receives_declarations:
            return office
    return None


def _notices_enqueue(declaration: Declaration, guardian: User) -> None:
    """The SMS to the guardian with a short link to the declaration's PDF (one segment;
    valid as long as the signed link, 30 days), and the PDF by e-mail when the guardian has
    an address on file (held until rendered), with the signed link."""
    link = pdf_download_url(declaration)
    short = short_link_create(declaration=declaration, kind=ShortLink.Kind.PDF)
    with translation.override(declaration.language):
        sms_enqueue(
            to=declaration.phone,
            body=sms_text(
                gettext("BHXH đã nhận tờ khai đăng ký tài khoản cho con số %(number)s. "
                        "Tải tờ khai: %(url)s")
                % {"number": declaration.number, "url": short}
            ),
            concerns=declaration,
            secret=short,  # erased from the outbox once sent: it opens the child's PDF
            dedup_key=f"declaration:{declaration.uuid}:received:sms",
            language=declaration.language,
        )
        if declaration.email:
            email_enqueue(
                to=declaration.email,
                subject=gettext("Tờ khai đăng ký tài khoản cho con số %(number)s") % {
                    "number": declaration.number
                },
                body=gettext(
                    "Kính gửi %(guardian)s,\n\n"
                    "BHXH Việt Nam đã nhận tờ khai đăng ký tài khoản giao dịch điện tử cho con "
                    "%(child)s (mã số BHXH %(code)s), số %(number)s, gửi tới %(office)s. Tờ "
                    "khai (PDF) được đính kèm thư này.\n\n"
                    "Cơ quan BHXH sẽ kiểm tra thông tin và ảnh trong tối đa 3 ngày làm việc. "
                    "Khi tờ khai được duyệt, mật khẩu tạm thời của tài khoản của con sẽ được "
                    "gửi qua SMS tới số điện thoại của bạn.\n\n"
                    "Tải tờ khai: %(url)s\n\n"
                    "Thư này được gửi tự động, vui lòng không trả lời."
                ) % {
                    "guardian": guardian.full_name or guardian.username,
                    "child": declaration.full_name, "code": declaration.bhxh_code,
                    "number": declaration.number, "office": declaration.office.name,
                    "url": link,
                },
                hold=True,
                held_for=HELD_FOR_PDF,
                concerns=declaration,
                dedup_key=f"declaration:{declaration.uuid}:received:email",
                language=declaration.language,
            )


def declaration_submit_child_registration(
    *,
    guardian: User,
    data: ChildRegistrationData,
    photos: dict[str, SanitizedPhoto],
    language: str,
    context: AuditContext | None = None,
) -> Declaration:
    """Validate and file a child's registration: the declaration (kind child_registration,
    submitted_by the guardian, the guardian's phone and e-mail), the portrait and the birth
    certificate, an audit record, the SMS and (with an e-mail on file) the held e-mail, in
    one transaction; the PDF is rendered after commit and releases the e-mail."""
    errors: dict[str, list[ValidationError]] = {}
    validated = None
    try:
        validated = child_registration_validate(guardian=guardian, data=data)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    errors.update(child_photos_missing_errors(photos))
    if errors:
        raise ValidationError(errors)

    from declarations.tasks import declaration_render_pdf_task

    child = validated.child
    declared = child_registration_declared(validated)
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            declaration = declaration_insert(Declaration(
                kind=Declaration.Kind.CHILD_REGISTRATION,
                status=Declaration.Status.SUBMITTED,
                office=validated.office,
                language=language_or_default(language),
                insured_person=child,
                submitted_by=guardian,
                guardian_relationship=validated.data.relationship,
                # What the guardian declared: the code and the name (as the registry
                # spells it; it matched ignoring case and diacritics). Nothing else of the
                # registry record goes into a declaration its filer reads before staff
                # have checked who they are.
                bhxh_code=declared.bhxh_code,
                full_name=declared.full_name,
                phone=guardian.phone,
                email=guardian.email,
                send_email=bool(guardian.email),
                commitment_accepted=True,
            ))
            attachments_store(declaration, photos, CHILD_PHOTO_KINDS, stored_names)
            audit_record(
                action=AuditAction.DECLARATION_SUBMITTED, target=declaration, actor=guardian,
                data={"number": declaration.number, "kind": declaration.kind,
                      "office": validated.office.code, "attachments": len(CHILD_PHOTO_KINDS),
                      "relationship": declaration.guardian_relationship,
                      "channel": context.channel if context else ""},
                context=context,
            )
            _notices_enqueue(declaration, guardian)
            declaration_id = declaration.pk
            transaction.on_commit(lambda: declaration_render_pdf_task.delay(declaration_id))
    except BaseException:
        for name in stored_names:
            default_storage.delete(name)
        raise
    logger.info("child declaration %s submitted", declaration.number)
    return declaration
