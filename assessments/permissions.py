"""Who may do what with the evidence. Registered with ``rules`` when the app is ready.

- **See** a partnership's evidence (assessments, threat rankings, findings, crime data, indicators,
  local profiles): anyone with a role in it, including the read-only pseudo-roles (a county role
  sees its districts' evidence; a district role reads its county board's assessment, which its own
  plan builds on), and site administrators.
- **Change** it (write assessments, score threats, record findings, define indicators, set
  crime-severity weights, import crime data): the partnership's analysts and site administrators.
  A county analyst reads the districts' evidence but does not change it.
- **Enter an indicator's figures by hand**: also the partnership's officers, who receive figures
  such as MADE returns from partners each quarter; they do not define or delete indicators.

Outside one's partnerships everything answers 404; a role that may see but not change answers 403.
"""

import rules

from csp_portal.organisations.permissions import has_any_role, is_analyst, is_officer, is_site_admin

can_view_evidence = is_site_admin | has_any_role
can_change_evidence = is_site_admin | is_analyst
can_enter_indicator_values = is_site_admin | is_analyst | is_officer

rules.add_perm("assessments.view_evidence", can_view_evidence)
rules.add_perm("assessments.change_evidence", can_change_evidence)
rules.add_perm("assessments.import_crime_data", can_change_evidence)
rules.add_perm("assessments.enter_indicator_values", can_enter_indicator_values)
