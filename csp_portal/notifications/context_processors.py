def unread(request) -> dict:
    """The navigation's count of unread notifications, kept on the person's row (no query)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": user.unread_notifications if user is not None and user.is_authenticated else 0}
