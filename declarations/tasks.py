"""Celery tasks of declarations (queue "pdf"): thin wrappers around the services.

The registration service dispatches after a submit:
    transaction.on_commit(lambda: declaration_render_pdf_task.delay(declaration.id))
Dispatching never raises when the broker is down (the request that submitted the
declaration must not fail after its commit): the sweeper renders it later.
"""
import logging

from celery import Task, shared_task

from declarations.services.pdf import (
    declaration_pdf_render,
    declaration_rejection_notice_render,
    declarations_without_pdf,
    declarations_without_rejection_notice,
)

logger = logging.getLogger(__name__)


class BrokerTolerantTask(Task):
    """apply_async/delay that logs and returns None instead of raising when the broker
    cannot be reached; a periodic sweeper re-dispatches what was not sent."""

    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args=args, kwargs=kwargs, **options)
        except Exception:
            if self.app.conf.task_always_eager:
                raise
            logger.warning("Broker unreachable: %s not dispatched, left to the sweeper",
                           self.name, exc_info=True)
            return None


@shared_task(
    bind=True, base=BrokerTolerantTask, max_retries=5, acks_late=True,
    soft_time_limit=60, time_limit=90,
)
def declaration_render_pdf_task(self, declaration_id: int) -> bool:
    try:
        return declaration_pdf_render(declaration_id=declaration_id)
    except Exception as exc:
        countdown = min(300, 20 * 2 ** self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from None


@shared_task(
    bind=True, base=BrokerTolerantTask, max_retries=5, acks_late=True,
    soft_time_limit=60, time_limit=90,
)
def declaration_render_rejection_notice_task(self, declaration_id: int) -> bool:
    try:
        return declaration_rejection_notice_render(declaration_id=declaration_id)
    except Exception as exc:
        countdown = min(300, 20 * 2 ** self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from None


@shared_task(soft_time_limit=100, time_limit=110)
def declarations_pdf_sweep_task() -> int:
    """Beat, every two minutes: dispatch renders for declarations still without a PDF a
    few minutes after their submit, and for rejected ones still without their notice
    (their dispatch was lost or all tries failed)."""
    dispatched = 0
    for task, ids in (
        (declaration_render_pdf_task, declarations_without_pdf()),
        (declaration_render_rejection_notice_task, declarations_without_rejection_notice()),
    ):
        for declaration_id in ids:
            if task.delay(declaration_id) is None:
                return dispatched  # broker down: next sweep
            dispatched += 1
    if dispatched:
        logger.info("PDF sweep: %s render(s) dispatched", dispatched)
    return dispatched


@shared_task(soft_time_limit=300, time_limit=330)
def registration_drafts_purge_task() -> int:
    """Beat, hourly: delete draft photos of registrations abandoned longer than a session."""
    import datetime

    from django.conf import settings

    from declarations.services.drafts import registration_drafts_purge

    hours = settings.SESSION_COOKIE_AGE / 3600 + 1
    return registration_drafts_purge(older_than=datetime.timedelta(hours=hours))
