"""Self-registration of a citizen account (Mẫu 01/ĐK-GD): submission of the declaration
with its photos, audit record and notices. The rules live in registration_validation."""
import datetime
import logging
import secrets
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.actions import AuditAction
from audit.context import request_channel
from audit.services import audit_record
from declarations.models import Attachment, Declaration, ShortLink
from declarations.photos import PhotoRejected, SanitizedPhoto, sanitize_photo
from declarations.services.registration_validation import (
    MSG_PENDING,
    OFFICE_FIELDS,
    PERSONAL_FIELDS,
    RegistrationData,
    ValidatedRegistration,
    self_registration_validate,
)
from declarations.services.short_links import short_link_create
from declarations.status_links import status_url
from notifications.services import email_enqueue, sms_enqueue, sms_text

__all__ = [
    "OFFICE_FIELDS", "PERSONAL_FIELDS", "PHOTO_KINDS", "RegistrationData",
    "ValidatedRegistration", "declaration_number_new", "declaration_submit_self_registration",
    "photos_missing_errors", "photos_sanitize", "self_registration_declared",
    "self_registration_preview", "self_registration_validate",
]

logger = logging.getLogger(__name__)

PHOTO_KINDS = (Attachment.Kind.PORTRAIT, Attachment.Kind.ID_FRONT, Attachment.Kind.ID_BACK)
# Non-ambiguous alphabet for declaration numbers: no 0/O, 1/I/L, U/V.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
NUMBER_RANDOM_LENGTH = 6
_NUMBER_ATTEMPTS = 8


def declaration_number_new(today: datetime.date | None = None) -> str:
    """"DK2611-7Q4K9M": kind, year and month, then random non-ambiguous characters."""
    today = today or timezone.localdate()
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_RANDOM_LENGTH))
    return f"DK{today:%y%m}-{suffix}"


def declaration_insert(declaration: Declaration) -> Declaration:
    """Save a new declaration under a fresh random number. The one-pending-per-code
    constraint is the last word between concurrent submits: the loser gets the "pending"
    message; a collision of the random number draws another one."""
    for _attempt in range(_NUMBER_ATTEMPTS):
        declaration.number = declaration_number_new()
        try:
            with transaction.atomic():
                declaration.save(force_insert=True)
        except IntegrityError:
            declaration.pk = None
            if Declaration.objects.filter(
                bhxh_code=declaration.bhxh_code, status__in=Declaration.PENDING_STATUSES
            ).exists():
                raise ValidationError(
                    {"bhxh_code": [ValidationError(MSG_PENDING, code="pending_declaration")]}
                ) from None
            if not Declaration.objects.filter(number=declaration.number).exists():
                raise
            continue
        return declaration
    raise RuntimeError("Could not draw a free declaration number")


def self_registration_declared(validated: ValidatedRegistration) -> RegistrationData:
    """What the declaration of a validated registration carries: the data as validated
    (phone in E.164, codes and address without stray spaces, e-mail domain in lower case)
    and the name as the registry writes it (it matched ignoring case, diacritics, spacing
    and Unicode form). The one place that says so: the filing and the review page."""
    return replace(validated.data, full_name=validated.person.full_name)


def self_registration_preview(*, data: RegistrationData) -> RegistrationData:
    """What submitting `data` would file (for the review step to show exactly that). Reads
    only; raises ValidationError keyed by field like self_registration_validate."""
    return self_registration_declared(self_registration_validate(data=data))


def _declaration_insert(validated: ValidatedRegistration, language: str) -> Declaration:
    data = self_registration_declared(validated)
    return declaration_insert(Declaration(
        kind=Declaration.Kind.SELF_REGISTRATION,
        status=Declaration.Status.SUBMITTED,
        office=validated.office,
        language=language,
        insured_person=validated.person,
        bhxh_code=data.bhxh_code,
        full_name=data.full_name,
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        id_type=data.id_type,
        id_number=data.id_number,
        address=data.address,
        phone=data.phone,
        email=data.email,
        send_email=data.send_email,
        commitment_accepted=data.commitment_accepted,
    ))


def attachments_store(
    declaration: Declaration, photos: dict[str, SanitizedPhoto], kinds, stored_names: list[str]
) -> None:
    """Save the declaration's photos of `kinds` as attachments (private storage, random
    names); each stored name is appended to `stored_names`, so the caller deletes the files
    again if its transaction fails."""
    for kind in kinds:
        photo = photos[kind.value]
        attachment = Attachment(
            declaration=declaration, kind=kind, content_type=photo.content_type,
            width=photo.width, height=photo.height, size=len(photo.content),
            sha256=photo.sha256,
        )
        attachment.file.save(f"{kind.value}.jpg", ContentFile(photo.content), save=False)
        stored_names.append(attachment.file.name)
        attachment.save()


def _photo_missing_message(kind: str, id_type: str) -> str:
    if kind == Attachment.Kind.PORTRAIT:
        return gettext("Vui lòng cung cấp ảnh chân dung.")
    if id_type == Declaration.IdType.CCCD:
        if kind == Attachment.Kind.ID_FRONT:
            return gettext("Vui lòng cung cấp ảnh mặt trước CCCD.")
        return gettext("Vui lòng cung cấp ảnh mặt sau CCCD.")
    if kind == Attachment.Kind.ID_FRONT:
        return gettext("Vui lòng cung cấp ảnh mặt trước giấy tờ tùy thân.")
    return gettext("Vui lòng cung cấp ảnh mặt sau giấy tờ tùy thân.")


def photos_missing_errors(photos: dict, id_type: str) -> dict[str, list[ValidationError]]:
    return {
        kind.value: [ValidationError(_photo_missing_message(kind, id_type), code="required")]
        for kind in PHOTO_KINDS
        if not photos.get(kind.value)
    }


def photos_sanitize(uploads: dict) -> tuple[dict[str, SanitizedPhoto], dict[str, list[str]]]:
    """Clean the uploaded photos of a request: (photos by kind, error messages by kind).

    One photo at a time, on purpose: decoding one may hold up to DECODE_BUDGET (128 MiB,
    accounts.scanning.images), and three side by side would triple the worker's peak (that
    is how an outside review's three 50 MP PNGs took one worker to 2.95 GB). The citizen
    waits for the sum of the photos: ~60 ms per 12 MP JPEG, 0.5-0.7 s per 12 MP HEIC.
    """
    photos: dict[str, SanitizedPhoto] = {}
    errors: dict[str, list[str]] = {}
    for kind, upload in uploads.items():
        if upload is None:
            continue
        try:
            photos[kind] = sanitize_photo(upload)
        except PhotoRejected as exc:
            errors[kind] = exc.messages
    return photos, errors


def language_or_default(value: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    value = (value or "").split("-")[0].lower()
    return value if value in codes else settings.LANGUAGE_CODE


def _notices_enqueue(declaration: Declaration) -> None:
    link = status_url(declaration)
    with translation.override(declaration.language):
        # One SMS segment: the short link (a signed one would take two).
        short = short_link_create(declaration=declaration, kind=ShortLink.Kind.STATUS)
        sms_body = sms_text(
            gettext(
                "BHXH Việt Nam đã nhận tờ khai đăng ký giao dịch điện tử số %(number)s. "
                "Xem tình trạng: %(url)s"
            ) % {"number": declaration.number, "url": short}
        )
        sms_enqueue(
            to=declaration.phone,
            body=sms_body,
            concerns=declaration,
            secret=short,  # erased from the outbox once sent: it opens the status page
            dedup_key=f"declaration:{declaration.uuid}:received:sms",
            language=declaration.language,
        )
        if declaration.send_email and declaration.email:
            subject = gettext("Tờ khai đăng ký giao dịch điện tử số %(number)s") % {
                "number": declaration.number
            }
            body = gettext(
                "Kính gửi %(name)s,\n\n"
                "BHXH Việt Nam đã nhận tờ khai đăng ký sử dụng phương thức giao dịch điện tử "
                "số %(number)s của bạn, gửi tới %(office)s. Tờ khai (PDF) được đính kèm thư "
                "này.\n\n"
                "Cơ quan BHXH sẽ kiểm tra thông tin và ảnh giấy tờ trong tối đa 3 ngày làm "
                "việc. Khi tờ khai được duyệt, mật khẩu đăng nhập sẽ được gửi qua SMS tới số "
                "điện thoại bạn đã kê khai.\n\n"
                "Xem tình trạng tờ khai: %(url)s\n\n"
                "Thư này được gửi tự động, vui lòng không trả lời."
            ) % {
                "name": declaration.full_name,
                "number": declaration.number,
                "office": declaration.office.name,
                "url": link,
            }
            email_enqueue(
                to=declaration.email,
                subject=subject,
                body=body,
                hold=True,
                held_for="declaration_pdf",
                concerns=declaration,
                dedup_key=f"declaration:{declaration.uuid}:received:email",
                language=declaration.language,
            )


def declaration_submit_self_registration(
    *,
    data: RegistrationData,
    photos: dict[str, SanitizedPhoto],
    language: str,
    request: HttpRequest | None = None,
) -> Declaration:
    """Validate and file a self-registration: the declaration, its three photos, an audit
    record, the SMS receipt and (when asked) the held e-mail, in one transaction; the PDF
    is rendered after commit and releases the e-mail."""
    errors: dict[str, list[ValidationError]] = {}
    validated = None
    try:
        validated = self_registration_validate(data=data)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    id_type = validated.data.id_type if validated else data.id_type
    errors.update(photos_missing_errors(photos, id_type))
    if errors:
        raise ValidationError(errors)

    # Imported here: the tasks module imports the services of this package.
    from declarations.tasks import declaration_render_pdf_task

    language = language_or_default(language)
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            declaration = _declaration_insert(validated, language)
            attachments_store(declaration, photos, PHOTO_KINDS, stored_names)
            audit_record(
                action=AuditAction.DECLARATION_SUBMITTED,
                target=declaration,
                data={
                    "number": declaration.number,
                    "kind": declaration.kind,
                    "office": validated.office.code,
                    "attachments": len(PHOTO_KINDS),
                    "send_email": declaration.send_email,
                    "channel": request_channel(request),
                },
                request=request,
            )
            _notices_enqueue(declaration)
            declaration_id = declaration.pk
            transaction.on_commit(lambda: declaration_render_pdf_task.delay(declaration_id))
    except BaseException:
        for name in stored_names:
            default_storage.delete(name)
        raise
    logger.info("declaration %s submitted", declaration.number)
    return declaration
