"""Who may do what with reports and dashboards.

Everyone with a role in the partnership reads its dashboard and downloads its issued reports, and
so do the read-only pseudo-roles (a county role reads its districts' reports; a district role reads
the county board's) and site administrators. Only the partnership's officers (and site
administrators) prepare reports: preview and request drafts, issue versions, watch the jobs, record
the board's decisions and set the report's logo, colour and protective marking.
"""

import rules

from csp_portal.organisations.permissions import has_any_role, is_officer, is_site_admin

can_view = is_site_admin | has_any_role
can_prepare = is_site_admin | is_officer

rules.add_perm("reports.view_reports", can_view)
rules.add_perm("reports.prepare_reports", can_prepare)
