"""The registration draft kept in the citizen's session between steps: the typed values
(as strings) and the sanitised photos, stored in private storage under random names and
referenced only from this session."""
import datetime
import secrets
from dataclasses import dataclass, field

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from declarations.photos import SanitizedPhoto
from declarations.services.drafts import DRAFT_PHOTO_DIR
from declarations.services.registration import PHOTO_KINDS, RegistrationData

SESSION_KEY = "registration_draft"
SENT_KEY = "registration_sent"
STEPS = ("personal", "photos", "office", "review")


_PHOTO_META = {"name": str, "width": int, "height": int, "sha256": str, "size": int}


def _strings(value: object, *, booleans: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        return {}
    return {
        key: item for key, item in value.items()
        if isinstance(key, str)
        and (isinstance(item, str) or (key in booleans and isinstance(item, bool)))
    }


def _photo_metas(value: object) -> dict:
    """Only well-formed photo entries of known kinds, each naming a draft file."""
    if not isinstance(value, dict):
        return {}
    kinds = {kind.value for kind in PHOTO_KINDS}
    return {
        kind: meta for kind, meta in value.items()
        if kind in kinds and isinstance(meta, dict)
        and all(isinstance(meta.get(key), type_) for key, type_ in _PHOTO_META.items())
        and _is_draft_name(meta["name"])
    }


def _is_draft_name(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and parts[0] == DRAFT_PHOTO_DIR and parts[1] not in ("", ".", "..")


@dataclass
class Draft:
    personal: dict = field(default_factory=dict)
    office: dict = field(default_factory=dict)
    # kind -> {"name", "width", "height", "sha256", "size"}
    photos: dict = field(default_factory=dict)
    step: str = "personal"
    completed: list = field(default_factory=list)

    # --- session round trip ----------------------------------------------------------
    @classmethod
    def load(cls, session: SessionBase) -> "Draft":
        """The session's draft; anything malformed in it (an older layout, a value of the
        wrong type) is dropped, so a stale session never breaks the form."""
        raw = session.get(SESSION_KEY)
        if not isinstance(raw, dict):
            raw = {}
        completed = raw.get("completed")
        return cls(
            personal=_strings(raw.get("personal")),
            office=_strings(raw.get("office"), booleans=("send_email",)),
            photos=_photo_metas(raw.get("photos")),
            step=raw.get("step") if raw.get("step") in STEPS else "personal",
            completed=[s for s in completed if s in STEPS] if isinstance(completed, list) else [],
        )

    def save(self, session: SessionBase) -> None:
        session[SESSION_KEY] = {
            "personal": self.personal,
            "office": self.office,
            "photos": self.photos,
            "step": self.step,
            "completed": self.completed,
        }

    def clear(self, session: SessionBase, *, delete_photos: bool = True) -> None:
        if delete_photos:
            for kind in list(self.photos):
                self.photo_delete(kind)
        session.pop(SESSION_KEY, None)

    # --- steps -----------------------------------------------------------------------
    def complete(self, step: str, next_step: str) -> None:
        if step not in self.completed:
            self.completed.append(step)
        self.step = next_step

    def first_open_step(self) -> str:
        for step in STEPS:
            if step not in self.completed:
                return step
        return "review"

    def may_open(self, step: str) -> bool:
        """A step may be shown once every step before it is done."""
        return all(s in self.completed for s in STEPS[: STEPS.index(step)])

    # --- photos ----------------------------------------------------------------------
    def photo_store(self, kind: str, photo: SanitizedPhoto) -> None:
        self.photo_delete(kind)
        name = default_storage.save(
            f"{DRAFT_PHOTO_DIR}/{secrets.token_hex(16)}.jpg", ContentFile(photo.content)
        )
        self.photos[kind] = {
            "name": name,
            "width": photo.width,
            "height": photo.height,
            "sha256": photo.sha256,
            "size": len(photo.content),
        }

    def photo_delete(self, kind: str) -> None:
        meta = self.photos.pop(kind, None)
        if meta and _is_draft_name(meta["name"]):
            default_storage.delete(meta["name"])

    def photo_name(self, kind: str) -> str | None:
        """The storage name of this draft's photo of `kind`, None when there is none or its
        file has gone (cleaned up, or deleted by a concurrent submit of the same session)."""
        meta = self.photos.get(kind)
        if not meta:
            return None
        name = meta["name"]
        if not _is_draft_name(name) or not default_storage.exists(name):
            return None
        return name

    def photos_loaded(self) -> dict[str, SanitizedPhoto]:
        """The draft's photos as the service takes them (already sanitised on upload)."""
        photos = {}
        for kind in PHOTO_KINDS:
            name = self.photo_name(kind.value)
            if name is None:
                continue
            meta = self.photos[kind.value]
            try:
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                continue  # gone since photo_name() looked: asked for again
            photos[kind.value] = SanitizedPhoto(
                content=content, width=meta["width"], height=meta["height"],
                content_type="image/jpeg", sha256=meta["sha256"],
            )
        return photos

    # --- to the service --------------------------------------------------------------
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
