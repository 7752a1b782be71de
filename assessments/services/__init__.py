"""Writes of the evidence app, named for what the user does. Each takes a keyword-only ``actor`` and
runs in one transaction."""
