"""What the portal checks declarations against: the records of the insured, the offices
and the health facilities (the role BHXH's national database plays for the real service).

Every rule that can live in the database does (CHECK/UNIQUE constraints): the bulk import
writes with bulk_create() and must not be able to store what a form would refuse.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_lazy as _

from registry.derived import DerivedFieldsModel, DerivedFieldsQuerySet
from registry.text import fold, normalize_name

BHXH_CODE_REGEX = r"^[0-9]{10}$"
ID_NUMBER_REGEX = r"^([0-9]{9}|[0-9]{12})$"
E164_REGEX = r"^\+[1-9][0-9]{6,14}$"
CENTRAL_OFFICE_CODE = "000"


def _not_blank(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=~Q(**{field: ""}), name=name)


class ReferenceQuerySet(DerivedFieldsQuerySet):
    """Provinces, offices and facilities are served from memory (registry.reference): the
    bulk writes, which send no signal (the import commands, load_reference_data), make
    every process reload them. (save() and delete() do through signals: registry.apps.)"""

    def bulk_create(self, *args, **kwargs):
        try:
            return super().bulk_create(*args, **kwargs)
        finally:
            _reference_data_changed()

    def bulk_update(self, *args, **kwargs):
        try:
            return super().bulk_update(*args, **kwargs)
        finally:
            _reference_data_changed()

    def update(self, **kwargs):
        try:
            return super().update(**kwargs)
        finally:
            _reference_data_changed()


def _reference_data_changed() -> None:
    from registry.reference import reference_data_changed

    reference_data_changed()


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Province(DerivedFieldsModel):
    code = models.CharField(_("mã tỉnh"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}$"), name="province_code_two_digits"
            ),
            _not_blank("name", "province_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Office(DerivedFieldsModel):
    """A BHXH office. Codes seen in the wild: central "000" (ours: BHXH Việt Nam has no
    published code), province office "0" + province code ("001"), local office = province
    office + 2 digits ("00106")."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("BHXH Việt Nam")
        PROVINCE = "province", _("BHXH tỉnh/thành phố")
        LOCAL = "local", _("BHXH cơ sở")

    code = models.CharField(_("mã cơ quan"), max_length=8, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    receives_declarations = models.BooleanField(
        _("tiếp nhận tờ khai"), default=True, db_index=True
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan BHXH")
        verbose_name_plural = _("cơ quan BHXH")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{3,8}$"), name="office_code_digits"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["central", "province", "local"]), name="office_level_valid"
            ),
            _not_blank("name", "office_name_not_blank"),
            # The central office has no parent and no province; province and local offices
            # belong to a province.
            models.CheckConstraint(
                condition=~Q(level="central") | (Q(parent__isnull=True) & Q(province__isnull=True)),
                name="office_central_shape",
            ),
            models.CheckConstraint(
                condition=~Q(level="province") | Q(province__isnull=False),
                name="office_province_shape",
            ),
            models.CheckConstraint(
                condition=~Q(level="local") | Q(province__isnull=False),
                name="office_local_shape",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="office_not_own_parent",
            ),
        ]
        indexes = [models.Index(fields=["province", "level"], name="office_province_level")]

    def __str__(self) -> str:
        return f"({self.code}) {self.name}"


class HealthFacility(DerivedFieldsModel):
    class Level(models.TextChoices):
        CENTRAL = "central", _("Tuyến trung ương")
        PROVINCE = "province", _("Tuyến tỉnh")
        DISTRICT = "district", _("Tuyến huyện")
        COMMUNE = "commune", _("Tuyến xã")

    code = models.CharField(_("mã cơ sở KCB"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=250)
    name_folded = models.CharField(max_length=250, editable=False, db_index=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh/thành phố"), on_delete=models.PROTECT,
        related_name="facilities",
    )
    level = models.CharField(_("tuyến"), max_length=10, choices=Level.choices, db_index=True)
    accepts_registration = models.BooleanField(_("nhận đăng ký KCB ban đầu"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ sở khám chữa bệnh")
        verbose_name_plural = _("cơ sở khám chữa bệnh")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}[0-9A-Z]{3}$"), name="facility_code_format"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["central", "province", "district", "commune"]),
                name="facility_level_valid",
            ),
            _not_blank("name", "facility_name_not_blank"),
        ]
        indexes = [
            models.Index(
                fields=["province", "accepts_registration"], name="facility_province_accepts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.printed_code} {self.name}"

    @property
    def printed_code(self) -> str:
        """As printed on the BHYT card: "01 - C54"."""
        return f"{self.code[:2]} - {self.code[2:]}"


class InsuredPerson(DerivedFieldsModel):
    DERIVED_FROM = {
        "full_name": ("full_name", "name_folded"),
        "date_of_birth": ("birth_year",),
    }

    bhxh_code = models.CharField(_("mã số BHXH"), max_length=10, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=100)
    # Folded name (registry.text.fold). Indexed below: equality with the birth year for
    # the look-up, and a pattern index for the admin's prefix search.
    name_folded = models.CharField(max_length=100, editable=False)
    # Some people have only a year of birth on record: date_of_birth stays empty then.
    birth_year = models.PositiveSmallIntegerField(
        _("năm sinh"), blank=True, help_text=_("Tự điền theo ngày sinh nếu có ngày sinh.")
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    id_number = models.CharField(
        _("số CCCD/CMND"), max_length=12, null=True, blank=True, unique=True
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh/thành phố"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="insured_persons",
    )
    office = models.ForeignKey(
        Office, verbose_name=_("cơ quan BHXH quản lý"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="insured_persons",
    )
    phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("người tham gia")
        verbose_name_plural = _("người tham gia")
        ordering = ["bhxh_code"]
        indexes = [
            models.Index(
                fields=["name_folded", "birth_year", "province"], name="insured_lookup"
            ),
            # varchar_pattern_ops (PostgreSQL only; ignored elsewhere) lets
            # `name_folded LIKE 'nguyen van%'` use the index whatever the collation.
            models.Index(
                fields=["name_folded"], name="insured_name_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(bhxh_code__regex=BHXH_CODE_REGEX),
                name="insured_bhxh_code_10_digits",
                violation_error_message=_("Mã số BHXH phải gồm đúng 10 chữ số."),
            ),
            models.CheckConstraint(
                condition=Q(id_number__isnull=True) | Q(id_number__regex=ID_NUMBER_REGEX),
                name="insured_id_number_shape",
                violation_error_message=_("Số CCCD phải gồm 12 chữ số, số CMND 9 chữ số."),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2100),
                name="insured_birth_year_range",
                violation_error_message=_("Năm sinh không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True)
                | Q(date_of_birth__year=F("birth_year")),
                name="insured_birth_year_matches_date",
                violation_error_message=_("Năm sinh phải trùng với năm của ngày sinh."),
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="insured_sex_valid"),
            _not_blank("full_name", "insured_full_name_not_blank"),
            _not_blank("name_folded", "insured_name_folded_not_blank"),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=E164_REGEX),
                name="insured_phone_e164",
                violation_error_message=_("Số điện thoại phải ở dạng quốc tế, ví dụ +84912345678."),
            ),
            models.CheckConstraint(
                condition=Q(email="") | Q(email__contains="@"), name="insured_email_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bhxh_code} {self.full_name}"

    def clean(self) -> None:
        super().clean()
        if self.birth_year is None:
            raise ValidationError({"birth_year": _("Cần ngày sinh hoặc ít nhất năm sinh.")})

    def fill_derived(self) -> None:
        self.full_name = normalize_name(self.full_name)
        self.name_folded = fold(self.full_name)
        if self.date_of_birth:
            self.birth_year = self.date_of_birth.year


class HealthInsuranceCard(models.Model):
    person = models.ForeignKey(
        InsuredPerson, verbose_name=_("người tham gia"), on_delete=models.CASCADE,
        related_name="cards",
    )
    card_number = models.CharField(_("số thẻ"), max_length=15, unique=True)
    participant_group = models.CharField(_("mã đối tượng"), max_length=2)
    benefit_level = models.PositiveSmallIntegerField(_("mức hưởng"))
    facility = models.ForeignKey(
        HealthFacility, verbose_name=_("nơi đăng ký KCB ban đầu"), on_delete=models.PROTECT,
        related_name="cards",
    )
    valid_from = models.DateField(_("giá trị sử dụng từ"))
    valid_to = models.DateField(_("đến"), null=True, blank=True)
    issue_date = models.DateField(_("ngày cấp"))
    issuing_office = models.ForeignKey(
        Office, verbose_name=_("nơi cấp"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="issued_cards",
    )
    five_years_from = models.DateField(_("thời điểm đủ 5 năm liên tục"), null=True, blank=True)

    class Meta:
        verbose_name = _("thẻ BHYT")
        verbose_name_plural = _("thẻ BHYT")
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["participant_group"], name="card_participant_group")]
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit_level__gte=1) & Q(benefit_level__lte=5),
                name="card_benefit_level_1_5",
            ),
            models.CheckConstraint(
                condition=Q(card_number__regex=r"^([A-Z]{2}[1-5][0-9]{2}[0-9]{10}|[0-9]{10})$"),
                name="card_number_format",
            ),
            models.CheckConstraint(
                condition=Q(participant_group__regex=r"^[A-Z]{2}$"),
                name="card_participant_group_format",
            ),
            # An old 15-character number spells out the group and the benefit level: they
            # must agree with the columns.
            models.CheckConstraint(
                condition=Q(card_number__regex=r"^[0-9]{10}$")
                | (
                    Q(participant_group=Substr("card_number", 1, 2))
                    & Q(benefit_level=Cast(Substr("card_number", 3, 1), models.IntegerField()))
                ),
                name="card_old_number_agrees",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="card_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.card_number

    @property
    def bhxh_code(self) -> str:
        """The last 10 characters of either card number format."""
        return self.card_number[-10:]


class InsuranceType(models.TextChoices):
    BHXH = "BHXH", _("Bảo hiểm xã hội")
    BHYT = "BHYT", _("Bảo hiểm y tế")
    BHTN = "BHTN", _("Bảo hiểm thất nghiệp")
    BHTNLD_BNN = "BHTNLD_BNN", _("Bảo hiểm tai nạn lao động, bệnh nghề nghiệp")


class ParticipationPeriod(models.Model):
    person = models.ForeignKey(
        InsuredPerson, verbose_name=_("người tham gia"), on_delete=models.CASCADE,
        related_name="participation_periods",
    )
    insurance_type = models.CharField(
        _("loại bảo hiểm"), max_length=10, choices=InsuranceType.choices
    )
    # Months are stored as the first day of the month.
    from_month = models.DateField(_("từ tháng"))
    to_month = models.DateField(_("đến tháng"), null=True, blank=True)
    employer = models.CharField(_("đơn vị"), max_length=250, blank=True)
    job = models.CharField(_("chức vụ, công việc"), max_length=200, blank=True)
    contribution_salary = models.PositiveBigIntegerField(_("mức đóng (đồng)"), default=0)

    class Meta:
        verbose_name = _("quá trình tham gia")
        verbose_name_plural = _("quá trình tham gia")
        ordering = ["person", "insurance_type", "from_month"]
        indexes = [
            models.Index(fields=["person", "insurance_type", "from_month"]),
            models.Index(fields=["insurance_type"], name="period_insurance_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_month__isnull=True) | Q(to_month__gte=F("from_month")),
                name="period_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(from_month__day=1), name="period_from_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(to_month__isnull=True) | Q(to_month__day=1),
                name="period_to_first_of_month",
            ),
            models.CheckConstraint(
                condition=Q(insurance_type__in=[choice.value for choice in InsuranceType]),
                name="period_insurance_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurance_type} {self.from_month:%m/%Y}"
