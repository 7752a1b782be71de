from . import queries


def unread(request) -> dict:
    """The header's count of unread notifications, read only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": lambda: queries.unread_count(user)}
