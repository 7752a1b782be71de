from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Telling people when something asks something of them: in the portal and by e-mail."""

    name = "csp_portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"
