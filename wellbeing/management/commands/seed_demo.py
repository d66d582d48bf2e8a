from django.core.management.base import BaseCommand, CommandError

from wellbeing.services import DemoDataRefused, demo_place_seed


class Command(BaseCommand):
    help = "Build the illustrative demo place and one demo user per role, printing their new passwords."

    def handle(self, *args, **options) -> None:
        try:
            demo = demo_place_seed()
        except DemoDataRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo place: {demo.place.name} (/places/{demo.place.slug}/)")
        self.stdout.write("Demo logins (new passwords each time this runs):")
        for username, password, role in demo.logins:
            self.stdout.write(f"  {role:<20} username: {username:<14} password: {password}")
