from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from practice import demo


class Command(BaseCommand):
    help = "Create the demo practice (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        logins = demo.seed()
        # Each app seeds its own part from its `demo` module, found the way Django's
        # autodiscover_modules finds admin modules, so the base app names no domain app.
        # INSTALLED_APPS lists an app after the ones it reads, which is the order to seed in.
        for config in apps.get_app_configs():
            if config.name == "practice" or not module_has_submodule(config.module, "demo"):
                continue
            seed = getattr(import_module(f"{config.name}.demo"), "seed", None)
            if seed is not None:
                seed()
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})")
        for role, email in logins:
            self.stdout.write(f"  {role:<10} {email}")
