from django.core.management.base import BaseCommand
from django.db import transaction

from consent import demo as consent_demo
from intake import demo as intake_demo
from practice import demo
from scheduling import demo as scheduling_demo
from scheduling import demo_reminders


class Command(BaseCommand):
    help = "Create the demo practice (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        logins = demo.seed()
        consent_demo.seed()
        intake_demo.seed()
        scheduling_demo.seed()
        demo_reminders.seed()
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})")
        for role, email in logins:
            self.stdout.write(f"  {role:<10} {email}")
