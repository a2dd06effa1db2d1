"""The step engine shared by the portal's declaration wizards (self-registration, a child's
registration): a draft kept in the session (what was typed, as strings, and the sanitised
photos in private storage under random names referenced only from that session), steps
that open only once those before them are done, Back that keeps everything, photo
previews that reach only the session's own files, and the error summary of each step.

A wizard is described by a `WizardSpec`; its views stay small: they read the draft, call
the services, and hand the rest to the helpers here."""
import secrets
import time
from dataclasses import dataclass, field

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.context import client_address
from declarations.limits import web_rate_allowed
from declarations.photos import SanitizedPhoto
from declarations.private_files import private_file_response
from declarations.services.drafts import DRAFT_PHOTO_DIR

_PHOTO_META = {"name": str, "width": int, "height": int, "sha256": str, "size": int}
# What the draft keeps of one typed value: well above every field's max_length (so a value
# too long is still reported as too long), and low enough that a posted megabyte does not
# end up in the session store.
DRAFT_VALUE_MAX = 1000
MSG_TOO_MANY_PHOTOS = _("Bạn đã tải lên quá nhiều ảnh. Vui lòng thử lại sau một giờ.")


def draft_value(raw: object) -> str:
    return (raw if isinstance(raw, str) else "").strip()[:DRAFT_VALUE_MAX]


@dataclass(frozen=True)
class WizardSpec:
    """One wizard: its session keys, steps (key → title), the URL slug of each step (key →
    slug), the groups of typed values it keeps (group → names of its boolean values), its
    photo kinds and its URL names.

    Step keys are the code's names (sessions, templates, views); slugs are what the address
    bar shows (Vietnamese, ASCII, hyphenated). `step_converter()` is the only place one
    becomes the other: the step URL patterns use it, so `reverse(step_url_name,
    kwargs={"step": key})` writes the slug and the view receives the key."""

    session_key: str
    sent_key: str
    steps: dict  # step key -> title (lazy translation)
    slugs: dict  # step key -> URL slug
    groups: dict  # value group -> tuple of boolean keys
    photo_kinds: tuple[str, ...]
    step_url_name: str
    photo_url_name: str
    start_url_name: str
    sent_url_name: str
    template_prefix: str

    def __post_init__(self) -> None:
        if set(self.slugs) != set(self.steps) or len(set(self.slugs.values())) != len(
            self.slugs
        ):
            raise ValueError(f"{self.session_key}: one distinct slug per step")

    @property
    def step_keys(self) -> tuple[str, ...]:
        return tuple(self.steps)

    def step_url(self, step: str) -> str:
        return reverse(self.step_url_name, kwargs={"step": step})

    def step_converter(self) -> type:
        """A path converter class for this wizard's steps: slug in the URL, key in the view.
        An unknown slug does not match (404); reversing an unknown key is a NoReverseMatch."""
        keys = {slug: key for key, slug in self.slugs.items()}
        slugs = dict(self.slugs)

        class StepConverter:
            regex = "[a-z0-9-]+"

            def to_python(self, value: str) -> str:
                try:
                    return keys[value]
                except KeyError:
                    raise ValueError(value) from None

            def to_url(self, value: str) -> str:
                try:
                    return slugs[value]
                except KeyError:
                    raise ValueError(value) from None

        return StepConverter


def _strings(value: object, *, booleans: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        return {}
    return {
        key: item for key, item in value.items()
        if isinstance(key, str)
        and (isinstance(item, str) or (key in booleans and isinstance(item, bool)))
    }


def is_draft_name(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and parts[0] == DRAFT_PHOTO_DIR and parts[1] not in ("", ".", "..")


@dataclass
class WizardDraft:
    spec: WizardSpec
    values: dict = field(default_factory=dict)  # group -> {name: str | bool}
    # kind -> {"name", "width", "height", "sha256", "size"}
    photos: dict = field(default_factory=dict)
    step: str = ""
    completed: list = field(default_factory=list)

    # --- session round trip ----------------------------------------------------------
    @classmethod
    def load_for(cls, spec: WizardSpec, session: SessionBase):
        """The session's draft; anything malformed in it (an older layout, a value of the
        wrong type, a file name outside the drafts) is dropped, so a stale or tampered
        session never breaks the form."""
        raw = session.get(spec.session_key)
        if not isinstance(raw, dict):
            raw = {}
        completed = raw.get("completed")
        steps = spec.step_keys
        return cls(
            spec=spec,
            values={group: _strings(raw.get(group), booleans=booleans)
                    for group, booleans in spec.groups.items()},
            photos=cls._photo_metas(spec, raw.get("photos")),
            step=raw.get("step") if raw.get("step") in steps else steps[0],
            completed=[s for s in completed if s in steps] if isinstance(completed, list)
            else [],
        )

    @staticmethod
    def _photo_metas(spec: WizardSpec, value: object) -> dict:
        if not isinstance(value, dict):
            return {}
        return {
            kind: meta for kind, meta in value.items()
            if kind in spec.photo_kinds and isinstance(meta, dict)
            and all(isinstance(meta.get(key), type_) for key, type_ in _PHOTO_META.items())
            and is_draft_name(meta["name"])
        }

    def save(self, session: SessionBase) -> None:
        session[self.spec.session_key] = {
            **self.values,
            "photos": self.photos,
            "step": self.step,
            "completed": self.completed,
        }

    def clear(self, session: SessionBase, *, delete_photos: bool = True) -> None:
        if delete_photos:
            for kind in list(self.photos):
                self.photo_delete(kind)
        session.pop(self.spec.session_key, None)

    # --- steps -----------------------------------------------------------------------
    def complete(self, step: str, next_step: str) -> None:
        if step not in self.completed:
            self.completed.append(step)
        self.step = next_step

    def reopen(self, step: str) -> None:
        """A step whose values no longer pass: it (and so the steps after it) must be
        done again."""
        if step in self.completed:
            self.completed.remove(step)
        self.step = step

    def first_open_step(self) -> str:
        for step in self.spec.step_keys:
            if step not in self.completed:
                return step
        return self.spec.step_keys[-1]

    def may_open(self, step: str) -> bool:
        """A step may be shown once every step before it is done."""
        steps = self.spec.step_keys
        return all(s in self.completed for s in steps[: steps.index(step)])

    # --- photos ----------------------------------------------------------------------
    def photo_store(self, kind: str, photo: SanitizedPhoto) -> None:
        self.photo_delete(kind)
        name = default_storage.save(
            f"{DRAFT_PHOTO_DIR}/{secrets.token_hex(16)}.jpg", ContentFile(photo.content)
        )
        self.photos[kind] = {
            "name": name, "width": photo.width, "height": photo.height,
            "sha256": photo.sha256, "size": len(photo.content),
        }

    def photo_delete(self, kind: str) -> None:
        meta = self.photos.pop(kind, None)
        if meta and is_draft_name(meta["name"]):
            default_storage.delete(meta["name"])

    def photo_name(self, kind: str) -> str | None:
        """The storage name of this draft's photo of `kind`, None when there is none or its
        file has gone (cleaned up, or deleted by a concurrent submit of the same session)."""
        meta = self.photos.get(kind)
        if not meta:
            return None
        name = meta["name"]
        if not is_draft_name(name) or not default_storage.exists(name):
            return None
        return name

    def photos_loaded(self) -> dict[str, SanitizedPhoto]:
        """The draft's photos as the services take them (already sanitised on upload)."""
        photos = {}
        for kind in self.spec.photo_kinds:
            name = self.photo_name(kind)
            if name is None:
                continue
            meta = self.photos[kind]
            try:
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                continue  # gone since photo_name() looked: asked for again
            photos[kind] = SanitizedPhoto(
                content=content, width=meta["width"], height=meta["height"],
                content_type="image/jpeg", sha256=meta["sha256"],
            )
        return photos


# --- view helpers ------------------------------------------------------------------------

def steps_context(spec: WizardSpec, current: str, draft: WizardDraft, *,
                  links: bool = True) -> list[dict]:
    return [
        {
            "key": key,
            "number": index,
            "title": title,
            "current": key == current,
            "done": key in draft.completed and key != current,
            # Done steps are links back (GET keeps the draft as it is).
            "url": spec.step_url(key) if links and draft.may_open(key) else "",
        }
        for index, (key, title) in enumerate(spec.steps.items(), start=1)
    ]


def render_step(request: HttpRequest, draft: WizardDraft, step: str,
                context: dict) -> HttpResponse:
    spec = draft.spec
    return render(
        request,
        f"{spec.template_prefix}{step}.html",
        {
            "step": step,
            "steps": steps_context(spec, step, draft),
            "step_number": spec.step_keys.index(step) + 1,
            "step_count": len(spec.steps),
            "step_title": spec.steps[step],
            "draft": draft,
            **context,
        },
    )


# How long the "sent" page shows what was sent (its links included, the PDF's among them):
# long enough to read it and download the PDF, short enough that the next person on a
# shared phone or at a kiosk (the session lasts 8 hours) does not find them.
SENT_PAGE_SECONDS = 15 * 60


def sent_remember(request: HttpRequest, spec: WizardSpec, summary: dict) -> None:
    request.session[spec.sent_key] = {**summary, "sent_at": int(time.time())}


def sent_summary(request: HttpRequest, spec: WizardSpec) -> dict | None:
    """What was just sent, for the "sent" page; None when nothing was, or too long ago (it
    is then forgotten)."""
    sent = request.session.get(spec.sent_key)
    if not isinstance(sent, dict) or not isinstance(sent.get("number"), str):
        return None
    sent_at = sent.get("sent_at")
    if not isinstance(sent_at, int) or not 0 <= time.time() - sent_at <= SENT_PAGE_SECONDS:
        request.session.pop(spec.sent_key, None)
        return None
    return sent


def step_gate(request: HttpRequest, draft: WizardDraft, step: str) -> HttpResponse | None:
    """The answer for a step that may not be shown yet (None: show it). Unknown steps are
    404; a step whose predecessors are not done goes to the first open one; the last step
    posted again after it was sent (double click, reload, Back then Send) shows what was
    filed."""
    spec = draft.spec
    if step not in spec.steps:
        raise Http404
    if draft.may_open(step):
        return None
    last = spec.step_keys[-1]
    if (step == last and request.method == "POST" and sent_summary(request, spec)
            and not any(draft.values.values()) and not draft.completed):
        return redirect(spec.sent_url_name)
    return redirect(spec.step_url(draft.first_open_step()))


def resume(request: HttpRequest, draft: WizardDraft) -> HttpResponse:
    step = draft.step if draft.may_open(draft.step) else draft.first_open_step()
    return redirect(draft.spec.step_url(step))


def photo_previews(draft: WizardDraft, labels: dict) -> list[dict]:
    spec = draft.spec
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "url": reverse(spec.photo_url_name, kwargs={"kind": kind})
            + f"?v={draft.photos[kind]['sha256'][:12]}",
        }
        for kind in spec.photo_kinds
        if draft.photo_name(kind)
    ]


def photo_response(draft: WizardDraft, kind: str) -> HttpResponse:
    """A preview of one of this session's draft photos: nothing else can be reached."""
    if kind not in draft.spec.photo_kinds:
        raise Http404
    name = draft.photo_name(kind)
    if name is None:
        raise Http404
    try:
        return private_file_response(name, content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None


def photos_take(draft: WizardDraft, request: HttpRequest, form, sanitize) -> None:
    """Sanitise the photos posted with `form` (`sanitize`: uploads by kind → (photos,
    errors)), keep the good ones in the draft (so Back or a later error loses nothing) and
    put each refusal on its field.

    Each photo counts once, before it is decoded, in the `photos` rate limit of the client
    address: decoding is the costly part of the step, and every photo kept is a file in
    private storage until its session ends (the limit, with the hourly purge, bounds what
    one address can leave there)."""
    address = client_address(request)
    uploads = {}
    for kind in draft.spec.photo_kinds:
        upload = request.FILES.get(kind)
        if upload is None:
            continue
        if web_rate_allowed(request, scope="photos", ident=address):
            uploads[kind] = upload
        else:
            form.add_error(kind, MSG_TOO_MANY_PHOTOS)
    photos, errors = sanitize(uploads)
    for kind, photo in photos.items():
        draft.photo_store(kind, photo)
    for kind, messages_ in errors.items():
        for message in messages_:
            form.add_error(kind, message)


def service_error_summary(
    spec: WizardSpec, exc: ValidationError, field_step: dict, default_step: str
) -> list[dict]:
    """A service's refusal at the last step, as a summary whose items link to the step
    where each field can be corrected."""
    items = []
    for field_name, errors in exc.error_dict.items():
        step = field_step.get(field_name, default_step)
        for error in errors:
            items.append({"message": error.messages[0], "url": spec.step_url(step),
                          "step": spec.steps[step]})
    return items
