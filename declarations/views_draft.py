"""The self-registration wizard's draft (declarations.wizard keeps it in the session):
step 1's personal data, step 3's office and e-mail, the three photos."""
import datetime

from django.utils.translation import gettext_lazy as _

from declarations.services.registration import PHOTO_KINDS, RegistrationData
from declarations.wizard import WizardDraft, WizardSpec

SESSION_KEY = "registration_draft"
SENT_KEY = "registration_sent"

SELF_REGISTRATION = WizardSpec(
    session_key=SESSION_KEY,
    sent_key=SENT_KEY,
    steps={
        "personal": _("Thông tin cá nhân"),
        "photos": _("Ảnh giấy tờ"),
        "office": _("Cơ quan BHXH và thư điện tử"),
        "review": _("Kiểm tra và gửi"),
    },
    slugs={"personal": "thong-tin", "photos": "anh", "office": "co-quan", "review": "xem-lai"},
    groups={"personal": (), "office": ("send_email",)},
    photo_kinds=tuple(kind.value for kind in PHOTO_KINDS),
    step_url_name="declarations:register_step",
    photo_url_name="declarations:register_photo",
    start_url_name="declarations:register",
    sent_url_name="declarations:register_sent",
    template_prefix="declarations/register_",
)
STEPS = SELF_REGISTRATION.step_keys


class Draft(WizardDraft):
    @classmethod
    def load(cls, session) -> "Draft":
        return cls.load_for(SELF_REGISTRATION, session)

    @property
    def personal(self) -> dict:
        return self.values.setdefault("personal", {})

    @personal.setter
    def personal(self, value: dict) -> None:
        self.values["personal"] = value

    @property
    def office(self) -> dict:
        return self.values.setdefault("office", {})

    @office.setter
    def office(self, value: dict) -> None:
        self.values["office"] = value

    def registration_data(self, *, commitment_accepted: bool = False) -> RegistrationData:
        p, o = self.personal, self.office
        dob = None
        if p.get("date_of_birth"):
            try:
                dob = datetime.date.fromisoformat(p["date_of_birth"])
            except ValueError:
                dob = None
        return RegistrationData(
            bhxh_code=p.get("bhxh_code", ""),
            full_name=p.get("full_name", ""),
            date_of_birth=dob,
            sex=p.get("sex", ""),
            id_type=p.get("id_type", ""),
            id_number=p.get("id_number", ""),
            address=p.get("address", ""),
            phone=p.get("phone", ""),
            email=o.get("email", ""),
            office=o.get("office", ""),
            send_email=bool(o.get("send_email")),
            commitment_accepted=commitment_accepted,
        )
