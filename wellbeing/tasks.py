from celery import shared_task

from wellbeing.selectors import health_summary


# The one task whose result is read (settings: CELERY_TASK_IGNORE_RESULT).
@shared_task(bind=True, acks_late=True, ignore_result=False)
def health_check(self) -> dict:
    """Prove a worker can take a task from the broker, reach the database and return a result."""
    return {**health_summary(), "worker": "eager" if self.request.is_eager else self.request.hostname}
