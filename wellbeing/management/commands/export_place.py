from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wellbeing.models import Place
from wellbeing.place_archive import place_archive_write


class Command(BaseCommand):
    help = "Write all of a place's data to one archive (a ZIP of CSV files and a manifest) for restore_place."

    def add_arguments(self, parser) -> None:
        parser.add_argument("place_slug", help="the place's address, as in /places/<place_slug>/")
        parser.add_argument("archive", type=Path, help="the ZIP file to write (it must not exist yet)")

    def handle(self, *args, place_slug: str, archive: Path, **options) -> None:
        place = Place.objects.filter(slug=place_slug).first()
        if place is None:
            raise CommandError(f"There is no place with the address {place_slug!r}.")
        try:
            with archive.open("xb") as file:
                manifest = place_archive_write(place=place, file=file)
        except FileExistsError:
            raise CommandError(f"{archive} already exists: choose a new file name.") from None
        rows = sum(table["rows"] for table in manifest["tables"])
        self.stdout.write(
            f"Archived {place.name}: {rows} rows in {len(manifest['tables'])} tables, "
            f"{archive.stat().st_size:,} bytes, to {archive}"
        )
