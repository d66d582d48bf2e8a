from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError as BrokerError

from wellbeing.tasks import health_check


class Command(BaseCommand):
    help = "Send a health-check task through the broker and wait for a worker to answer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=10, help="seconds to wait (default 10)")

    def handle(self, *args, timeout: float, **options) -> None:
        try:
            result = health_check.delay().get(timeout=timeout)
        except (BrokerError, OSError) as error:
            raise CommandError(f"The broker is unreachable: {error}") from error
        except CeleryTimeout:
            raise CommandError(f"No worker answered within {timeout:g} seconds.") from None
        self.stdout.write(f"Worker {result['worker']} answered; it sees {result['places']} places in the database.")
