from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError as BrokerError

from wellbeing.tasks import health_check


def _broker_reachable() -> None:
    """Try the broker once, at once. Sending a task whose result is wanted starts with Celery's
    result store, which retries for about 20 s and then raises a bare RuntimeError."""
    with health_check.app.connection_for_write() as connection:
        try:
            connection.ensure_connection(max_retries=0)
        except (BrokerError, OSError) as error:
            # as_uri() hides any password in the address.
            raise CommandError(f"The broker at {connection.as_uri()} is unreachable: {error}") from None


class Command(BaseCommand):
    help = "Send a health-check task through the broker and wait for a worker to answer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=10, help="seconds to wait (default 10)")

    def handle(self, *args, timeout: float, **options) -> None:
        if not health_check.app.conf.task_always_eager:
            _broker_reachable()
        try:
            result = health_check.delay().get(timeout=timeout)
        except (BrokerError, OSError) as error:
            raise CommandError(f"The broker is unreachable: {error}") from None
        except RuntimeError as error:  # the result store gave up reconnecting (it went down after the probe)
            raise CommandError(f"The result store is unreachable: {' '.join(str(error).split())}") from None
        except CeleryTimeout:
            raise CommandError(f"No worker answered within {timeout:g} seconds.") from None
        self.stdout.write(f"Worker {result['worker']} answered; it sees {result['places']} places in the database.")
