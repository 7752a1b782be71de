"""``manage.py demo_code``: the current two-factor code of the demo administrator."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ... import demo


class Command(BaseCommand):
    help = (
        "Print the current two-factor code for admin@demo.example, whose authenticator device load_demo "
        "creates with a published secret. Works for no other account."
    )

    def handle(self, *args, **options) -> None:
        device = TOTPDevice.objects.filter(
            user__email="admin@demo.example", key=demo.DEMO_TOTP_KEY, confirmed=True
        ).first()
        if device is None:
            raise CommandError("The demo administrator has no demo authenticator: run 'manage.py load_demo' first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
        self.stderr.write(f"Valid for {device.step - int(totp.time - device.t0) % device.step} more seconds.")
