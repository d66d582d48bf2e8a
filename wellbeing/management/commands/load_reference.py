from django.core.management.base import BaseCommand, CommandError

from wellbeing.services import ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = "Load or refresh the NPF, council areas, regions and other reference lists from fixtures/reference/."

    def handle(self, *args, **options) -> None:
        try:
            counts = reference_data_load()
        except (ReferenceDataError, FileNotFoundError, KeyError) as error:
            raise CommandError(f"Reference data not loaded (nothing was changed): {error}") from error
        self.stdout.write("Reference data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
