"""Plain names in the administration pages for the apps and models that are not ours: the admin's
index reads "Sign-in lockouts" and "Two-factor devices", not "AXES" and "OTP_TOTP".

Set when the apps are ready. Only the names shown change: migrations read the options a model was
declared with (``Options.original_attrs``), so none of these makes a migration."""

from __future__ import annotations

from django.apps import apps

APP_NAMES = {
    "axes": "Sign-in lockouts",
    "otp_totp": "Two-factor devices",
}
MODEL_NAMES = {
    ("axes", "AccessAttempt"): ("failed sign-in count", "failed sign-in counts (lockouts)"),
    ("axes", "AccessLog"): ("sign-in log entry", "sign-in log (lockout checks)"),
    ("axes", "AccessFailureLog"): ("failed sign-in", "failed sign-ins"),
    ("otp_totp", "TOTPDevice"): ("authenticator app", "authenticator apps"),
    ("actionplans", "ReminderSent"): ("reminder sent", "reminders sent"),
}


def use_plain_names() -> None:
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for (label, model_name), (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
