"""Handing work to a Celery worker when the broker may be down (README, "Faults and recovery")."""

import logging

from django.db.models import QuerySet
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)


def queue_or_record(task, *args, unqueued: QuerySet, record: dict) -> bool:
    """Send `task` with `args` to a worker. When the broker cannot be reached, update the rows of
    `unqueued` (the request's own row, still in the state that waits for the worker) with `record`
    instead, so the request keeps what the person asked for, says why nothing happened, and
    answers normally. Returns whether the task was sent."""
    try:
        task.delay(*args)
    except BrokerUnreachable:
        logger.exception("Could not queue %s%s: the Celery broker is unreachable", task.name, args)
        unqueued.update(**record)
        return False
    return True
