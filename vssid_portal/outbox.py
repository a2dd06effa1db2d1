"""The dev outbox: what the portal "sent" in the dev setup, so that every flow can be
finished without a phone or a mail server. Reads the files the SMS file backend
(settings.SMS_FILE_PATH, JSON lines) and Django's file e-mail backend
(settings.EMAIL_FILE_PATH) write. Only when settings.DEBUG is on: 404 otherwise."""
import datetime
import email
import json
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

MAX_ITEMS = 200
# Django's file backend ends each message with a line of 79 dashes.
_SEPARATOR = re.compile(rb"\r?\n-{79}\r?\n")
_FILE_NAME = re.compile(r"^[\w.-]+\.log$")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass
class Sms:
    to: str
    body: str
    sent_at: datetime.datetime | None
    segments: int | None = None


@dataclass
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int


@dataclass
class Mail:
    file_name: str
    index: int
    subject: str
    to: str
    sender: str
    date: datetime.datetime | None
    text: str
    has_html: bool
    attachments: list[Attachment] = field(default_factory=list)


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value


def read_sms(path: Path) -> list[Sms]:
    """The SMS in the JSON-lines file, newest first. Bad lines are skipped."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line being written, or damaged
        if not isinstance(record, dict):
            continue
        sent_at = record.get("sent_at")
        items.append(
            Sms(
                to=str(record.get("to", "")),
                body=str(record.get("body", "")),
                sent_at=_aware(parse_datetime(sent_at)) if isinstance(sent_at, str) else None,
                segments=record.get("segments"),
            )
        )
    items.sort(key=lambda s: s.sent_at or _EPOCH, reverse=True)
    return items[:MAX_ITEMS]


def _parse_message(raw: bytes) -> EmailMessage | None:
    if not raw.strip():
        return None
    message = email.message_from_bytes(raw, policy=policy.default)
    if not message.keys():
        return None
    return message


def _split_file(path: Path) -> list[EmailMessage | None]:
    try:
        data = path.read_bytes()
    except OSError:
        return []
    return [_parse_message(chunk) for chunk in _SEPARATOR.split(data)]


def _attachment_parts(message: EmailMessage) -> list:
    return list(message.iter_attachments()) if message.is_multipart() else []


def _text_of(message: EmailMessage) -> tuple[str, bool]:
    try:
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        text = plain.get_content() if plain is not None else ""
    except (LookupError, KeyError, ValueError) as error:
        logger.warning("dev outbox: unreadable e-mail body (%s)", type(error).__name__)
        return "", False
    return text, html is not None


def _to_mail(file_name: str, index: int, message: EmailMessage, mtime: float) -> Mail:
    try:
        date = _aware(parsedate_to_datetime(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    if date is None:
        date = datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)
    text, has_html = _text_of(message)
    attachments = []
    for number, part in enumerate(_attachment_parts(message)):
        payload = part.get_payload(decode=True) or b""
        attachments.append(
            Attachment(
                index=number,
                filename=part.get_filename() or f"attachment-{number}",
                content_type=part.get_content_type(),
                size=len(payload),
            )
        )
    return Mail(
        file_name=file_name,
        index=index,
        subject=str(message["Subject"] or ""),
        to=str(message["To"] or ""),
        sender=str(message["From"] or ""),
        date=date,
        text=text,
        has_html=has_html,
        attachments=attachments,
    )


def _mail_files(directory: Path) -> list[Path]:
    try:
        return [p for p in directory.iterdir() if p.is_file() and _FILE_NAME.match(p.name)]
    except OSError:
        return []


def read_mails(directory: Path) -> list[Mail]:
    """The e-mails in the files of the file backend, newest first."""
    mails = []
    for path in _mail_files(directory):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        for index, message in enumerate(_split_file(path)):
            if message is None:
                continue
            try:
                mails.append(_to_mail(path.name, index, message, mtime))
            except Exception as error:  # one damaged message must not hide the others
                logger.warning("dev outbox: unreadable e-mail (%s)", type(error).__name__)
    mails.sort(key=lambda m: (m.date or _EPOCH, m.file_name, m.index), reverse=True)
    return mails[:MAX_ITEMS]


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


def outbox(request: HttpRequest) -> HttpResponse:
    _require_debug()
    context = {
        "sms_list": read_sms(Path(settings.SMS_FILE_PATH)),
        "mails": read_mails(Path(settings.EMAIL_FILE_PATH)),
        "sms_path": settings.SMS_FILE_PATH,
        "email_path": settings.EMAIL_FILE_PATH,
    }
    return render(request, "dev/outbox.html", context)


def attachment(request: HttpRequest, file_name: str, index: int, number: int) -> HttpResponse:
    _require_debug()
    if not _FILE_NAME.match(file_name):
        raise Http404
    messages = _split_file(Path(settings.EMAIL_FILE_PATH) / file_name)
    if index >= len(messages) or messages[index] is None:
        raise Http404
    parts = _attachment_parts(messages[index])
    if number >= len(parts):
        raise Http404
    part = parts[number]
    filename = part.get_filename() or f"attachment-{number}"
    response = HttpResponse(
        part.get_payload(decode=True) or b"", content_type=part.get_content_type()
    )
    # Always a download: an HTML attachment must not run in the portal's origin.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
