"""Pages for plans, priorities and priority setting. Each finds its object inside the partnership
named in the URL (404 outside the user's partnerships), checks the permission (403 for a role that
may only read), parses the input, calls one service and renders.

``common`` holds what the pages share; ``plans`` a partnership's plans and their priorities,
``exercises`` priority setting.
"""
