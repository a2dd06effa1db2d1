"""Celery tasks of the outbox: thin wrappers around notifications.services."""
from celery import shared_task

from notifications.delivery import DeliveryRetry, message_deliver
from notifications.services import messages_sweep


@shared_task(
    bind=True, max_retries=None, acks_late=True, soft_time_limit=45, time_limit=60,
)
def message_deliver_task(self, message_id: int) -> str:
    """Deliver one message; the service decides when to give up (after the last try it
    marks the message failed), the task only schedules the retry it asks for."""
    try:
        return message_deliver(message_id=message_id)
    except DeliveryRetry as exc:
        raise self.retry(countdown=exc.countdown, exc=exc) from None


@shared_task(soft_time_limit=50, time_limit=60)
def messages_sweep_task() -> int:
    """Beat, every minute: dispatch messages whose delivery was lost or abandoned."""
    return messages_sweep()
