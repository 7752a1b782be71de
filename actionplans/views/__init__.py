"""Pages for action plans, funding and progress returns. Each finds its object inside the partnership
named in the URL (404 outside the user's partnerships), checks the permission (403 for a role that
may only read), parses the input, calls one service and renders.

The action plan table is edited in place with htmx: the same URLs answer an htmx request with the
fragment to swap in (``request.htmx``) and an ordinary request with the full page, so every form
works without JavaScript too.

``common`` holds what the pages share; ``plans`` the plans and their import and download,
``actions`` an action's pages, ``returns`` the quarterly returns and My actions, ``funding`` the
money.
"""
