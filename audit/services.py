"""Writing the audit trail. Call inside the transaction of the change being recorded."""
from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import AuditRecord


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    actor: Any = None,
    data: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditRecord:
    """Record `action` on `target` (or on object_type/object_id) by `actor`.

    `data` must hold no personal data (no names, phones, ID numbers): ids, codes and
    statuses only.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditRecord.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        data=data or {},
        ip_address=_client_ip(request),
    )
