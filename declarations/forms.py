"""Web forms of the registration steps. They only collect and translate: every rule is
in declarations.services.registration_validation, whose errors are put on the fields."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration
from guardians.models import GuardianLink
from registry.forms import BirthDateField, PlainTextField, reject_control_characters
from registry.models import Sex

_TEXT = {"autocomplete": "off"}
# The API's date formats (ISO 8601 first); the web forms take registry.forms.BirthDateField.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service ValidationError on the form's fields (unknown fields: on top). A field
    the form already reported (required, unparsable date) keeps the form's message."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    form.errors  # noqa: B018 - run the form's own validation first
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if target is not None and form.has_error(target):
            continue
        for item in errors:
            form.add_error(target, item)


def _required(message) -> dict:
    return {"required": message}


class PlainEmailField(forms.EmailField):
    """An EmailField that refuses control characters with a Vietnamese message."""

    def to_python(self, value):
        return reject_control_characters(super().to_python(value))


class PersonalDataForm(forms.Form):
    """Step 1. The required messages are the service's, so the web and the API say the
    same thing."""

    bhxh_code = PlainTextField(
        label=_("Mã số BHXH"), required=True,
        error_messages=_required(_("Vui lòng nhập mã số BHXH.")), max_length=20,
        help_text=_("10 chữ số, in trên thẻ BHYT hoặc sổ BHXH."),
        widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric"}),
    )
    full_name = PlainTextField(
        label=_("Họ và tên"), required=True,
        error_messages=_required(_("Vui lòng nhập họ và tên.")), max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = BirthDateField(
        label=_("Ngày sinh"), required=True,
        help_text=_("Ngày/tháng/năm, ví dụ 17/05/1990."),
        error_messages={"required": _("Vui lòng nhập ngày sinh.")},
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"), required=True,
        error_messages={"required": _("Vui lòng chọn giới tính."),
                        "invalid_choice": _("Vui lòng chọn giới tính trong danh sách.")},
        choices=[("", _("-- Chọn --")), *Sex.choices],
    )
    id_type = forms.ChoiceField(
        label=_("Loại giấy tờ tùy thân"), required=True,
        error_messages={
            "required": _("Vui lòng chọn loại giấy tờ tùy thân."),
            "invalid_choice": _("Vui lòng chọn loại giấy tờ tùy thân trong danh sách."),
        },
        choices=Declaration.IdType.choices, initial=Declaration.IdType.CCCD,
    )
    id_number = PlainTextField(
        label=_("Số giấy tờ tùy thân"), required=True,
        error_messages=_required(_("Vui lòng nhập số giấy tờ tùy thân.")), max_length=20,
        help_text=_("CCCD: 12 chữ số; CMND: 9 hoặc 12 chữ số; hộ chiếu: 1 chữ cái và 7 chữ số."),
        widget=forms.TextInput(attrs=_TEXT),
    )
    address = PlainTextField(
        label=_("Địa chỉ thường trú"), required=True,
        error_messages=_required(_("Vui lòng nhập địa chỉ.")), max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = PlainTextField(
        label=_("Số điện thoại di động"), required=True,
        error_messages=_required(_("Vui lòng nhập số điện thoại di động.")), max_length=20,
        help_text=_("Mật khẩu đăng nhập sẽ được gửi qua SMS tới số này."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class PhotosForm(forms.Form):
    """Step 2: each photo may be replaced; missing ones are reported on Next."""

    portrait = forms.FileField(
        label=_("Ảnh chân dung"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}),
    )
    id_front = forms.FileField(
        label=_("Ảnh mặt trước giấy tờ tùy thân"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    id_back = forms.FileField(
        label=_("Ảnh mặt sau giấy tờ tùy thân"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class OfficeForm(forms.Form):
    """Step 3. The office choices are the offices of the chosen province (GET filter)."""

    office = forms.ChoiceField(
        label=_("Cơ quan BHXH tiếp nhận tờ khai"),
        error_messages={
            "required": _("Vui lòng chọn cơ quan BHXH tiếp nhận tờ khai."),
            "invalid_choice": _("Cơ quan BHXH đã chọn không có trong danh sách hoặc không "
                                "còn tiếp nhận tờ khai. Vui lòng chọn cơ quan khác."),
        },
    )
    email = PlainEmailField(
        label=_("Thư điện tử"), required=False, max_length=254,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    send_email = forms.BooleanField(
        label=_("Gửi email tờ khai (nhận tờ khai PDF và các thông báo qua thư điện tử)"),
        required=False,
    )

    def __init__(self, *args, office_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("-- Chọn cơ quan BHXH --")), *office_choices]


class ReviewForm(forms.Form):
    commitment = forms.BooleanField(
        label=_("Tôi cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách "
                "nhiệm trước pháp luật về nội dung đã kê khai."),
        required=True,
        error_messages={"required": _("Vui lòng đánh dấu cam kết trước khi gửi tờ khai.")},
    )


class StatusLookupForm(forms.Form):
    number = PlainTextField(
        label=_("Số tờ khai"), max_length=20, help_text=_("Ví dụ: DK2611-7Q4K9M"),
        error_messages={"required": _("Vui lòng nhập số tờ khai.")},
        widget=forms.TextInput(attrs=_TEXT),
    )
    bhxh_code = PlainTextField(
        label=_("Mã số BHXH"), max_length=20,
        error_messages={"required": _("Vui lòng nhập mã số BHXH.")},
        widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric"}),
    )


class ChildForm(forms.Form):
    """A child's registration, step 1: who the child is, and who the guardian is to them."""

    bhxh_code = PlainTextField(
        label=_("Mã số BHXH của con"), required=True, max_length=20,
        error_messages=_required(_("Vui lòng nhập mã số BHXH.")),
        help_text=_("10 chữ số, in trên thẻ BHYT của con."),
        widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric"}),
    )
    full_name = PlainTextField(
        label=_("Họ và tên của con"), required=True, max_length=100,
        error_messages=_required(_("Vui lòng nhập họ và tên của con.")),
        widget=forms.TextInput(attrs=_TEXT),
    )
    relationship = forms.ChoiceField(
        label=_("Bạn là"), required=True,
        choices=[("", _("-- Chọn --")), *GuardianLink.Relationship.choices],
        error_messages={"required": _("Vui lòng chọn quan hệ của bạn với trẻ."),
                        "invalid_choice": _("Vui lòng chọn quan hệ của bạn với trẻ.")},
    )


class ChildPhotosForm(forms.Form):
    """Step 2: the child's portrait and the birth certificate (camera or gallery)."""

    portrait = forms.FileField(
        label=_("Ảnh chân dung của con"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    birth_certificate = forms.FileField(
        label=_("Ảnh giấy khai sinh của con"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class ChildOfficeForm(forms.Form):
    office = forms.ChoiceField(
        label=_("Cơ quan BHXH tiếp nhận tờ khai"),
        help_text=_("Đã chọn sẵn cơ quan BHXH in trên thẻ BHYT của con; có thể chọn cơ quan "
                    "khác."),
        error_messages=OfficeForm.base_fields["office"].error_messages,
    )

    def __init__(self, *args, office_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("-- Chọn cơ quan BHXH --")), *office_choices]


class CommitmentForm(forms.Form):
    """The commitment read and accepted ("Đồng ý") or the registration cancelled ("Hủy")."""

    action = forms.ChoiceField(choices=[("accept", "accept"), ("cancel", "cancel"),
                                        ("back", "back")], required=True)
