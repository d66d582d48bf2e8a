from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interventions.demo import DemoSeedError, demo_interventions_seed
from interventions.partnership_demo import demo_partnerships_seed
from wellbeing.services import DemoDataRefused, demo_place_seed


class Command(BaseCommand):
    # Lives in the top app: the demo spans places and outcomes (wellbeing) and the intervention map.
    help = (
        "Build the illustrative demo place, its interventions, partnership and charter, and one demo user per "
        "role, printing new passwords."
    )

    def handle(self, *args, **options) -> None:
        try:
            with transaction.atomic():
                demo = demo_place_seed()
                counts = demo_interventions_seed(demo.place)
                partnership_counts = demo_partnerships_seed(demo.place)
        except (DemoDataRefused, DemoSeedError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo place: {demo.place.name} (/places/{demo.place.slug}/)")
        self.stdout.write("Demo intervention map: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        self.stdout.write("Demo partnership: " + ", ".join(f"{n} {what}" for what, n in partnership_counts.items()))
        self.stdout.write("Demo logins (new passwords each time this runs):")
        for username, password, role in demo.logins:
            self.stdout.write(f"  {role:<20} username: {username:<14} password: {password}")
