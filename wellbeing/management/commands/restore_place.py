from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wellbeing.place_archive import ArchiveError, place_archive_restore


class Command(BaseCommand):
    help = (
        "Restore a place's archive (from the place's export page or export_place) into this database, which "
        "must be migrated to the same release, have its reference data loaded (load_reference) and hold none of "
        "the place's data. All or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="the place archive (.zip)")

    def handle(self, *args, archive: Path, **options) -> None:
        try:
            with archive.open("rb") as file:
                result = place_archive_restore(file=file)
        except FileNotFoundError:
            raise CommandError(f"{archive} does not exist.") from None
        except ArchiveError as error:
            raise CommandError(f"Not restored (nothing was changed): {error}") from error
        self.stdout.write(
            f"Restored {result.place.name} (/places/{result.place.slug}/): "
            f"{sum(result.rows.values())} rows in {len(result.rows)} tables."
        )
        if result.shared_existing:
            self.stdout.write(f"{result.shared_existing} national rows were already here and were left as they are.")
        if result.people_existing:
            self.stdout.write("Already had accounts here (unchanged): " + ", ".join(result.people_existing))
        if result.people_created:
            self.stdout.write(
                "New accounts, with no password until you set one (manage.py changepassword <username>): "
                + ", ".join(result.people_created)
            )
