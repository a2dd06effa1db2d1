"""Every action the audit trail knows, in one list: a record's action is one of these,
never a free string (a typo would hide a record from every filter)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # Accounts and authentication.
    LOGIN_SUCCEEDED = "accounts.login_succeeded", _("Đăng nhập thành công")
    LOGIN_FAILED = "accounts.login_failed", _("Đăng nhập thất bại")
    LOGIN_LOCKED = "accounts.login_locked", _("Đăng nhập bị tạm khóa")
    TOKEN_ISSUED = "accounts.token_issued", _("Cấp mã truy cập API")
    LANGUAGE_SET = "accounts.language_set", _("Chọn ngôn ngữ")
    ACCOUNT_CREATED = "accounts.account_created", _("Tạo tài khoản")
    ACCOUNT_ACTIVATED = "accounts.account_activated", _("Kích hoạt tài khoản")
    ACCOUNT_DEACTIVATED = "accounts.account_deactivated", _("Khóa tài khoản")
    ACCOUNT_UNLOCKED = "accounts.account_unlocked", _("Mở khóa đăng nhập")
    PASSWORD_INITIAL_SET = "accounts.password_initial_set", _("Đặt mật khẩu lần đầu")
    PASSWORD_CHANGE_REQUESTED = "accounts.password_change_requested", _("Yêu cầu đổi mật khẩu")
    PASSWORD_CHANGED = "accounts.password_changed", _("Đổi mật khẩu")
    PASSWORD_RESET_REQUESTED = "accounts.password_reset_requested", _(
        "Yêu cầu đặt lại mật khẩu"
    )
    PASSWORD_RESET = "accounts.password_reset", _("Đặt lại mật khẩu")
    STAFF_ASSIGNMENT_CHANGED = "accounts.staff_assignment_changed", _("Thay đổi phân công cán bộ")
    OTP_DEVICE_ENROLLED = "accounts.otp_device_enrolled", _("Đăng ký xác thực hai lớp")
    DEMO_ACCOUNT_CREATED = "accounts.demo_account_created", _("Tạo tài khoản demo")
    ACCOUNT_RELEASED_AT_MAJORITY = "accounts.account_released_at_majority", _(
        "Tách tài khoản của con khỏi người giám hộ khi đủ 18 tuổi"
    )
    # Declarations.
    DECLARATION_SUBMITTED = "declaration.submitted", _("Gửi tờ khai")
    DECLARATION_REVIEW_STARTED = "declaration.review_started", _("Nhận xử lý tờ khai")
    DECLARATION_APPROVED = "declaration.approved", _("Duyệt tờ khai")
    DECLARATION_REJECTED = "declaration.rejected", _("Từ chối tờ khai")
    DECLARATION_VIEWED = "declaration.viewed", _("Xem tờ khai")
    DECLARATION_EXPORTED = "declaration.exported", _("Xuất danh sách tờ khai")
    DECLARATION_SHARED = "declaration.shared", _("Gửi tờ khai tới địa chỉ thư điện tử khác")
    DECLARATION_DOWNLOADED = "declaration.downloaded", _("Tải tờ khai PDF qua liên kết SMS")
    PDF_RENDERED = "declaration.pdf_rendered", _("Tạo tờ khai PDF")
    PDF_VIEWED = "declaration.pdf_viewed", _("Xem tờ khai PDF")
    REJECTION_NOTICE_RENDERED = "declaration.rejection_notice_rendered", _(
        "Tạo thông báo từ chối PDF"
    )
    ATTACHMENT_VIEWED = "declaration.attachment_viewed", _("Xem ảnh đính kèm")
    # Guardians.
    DEMO_LINK_CREATED = "guardians.demo_link_created", _("Tạo liên kết giám hộ demo")
    GUARDIANSHIP_CREATED = "guardians.guardianship_created", _("Ghi nhận người giám hộ")
    GUARDIANSHIP_ENDED = "guardians.guardianship_ended", _("Kết thúc quyền giám hộ")
    # Notifications.
    MESSAGE_RETRY = "notifications.message_retry", _("Gửi lại thông báo")
    MESSAGE_FAILED = "notifications.message_failed", _("Gửi thông báo thất bại")
