"""Who may open every page, and who may post to it: one table, checked against the URL configuration.

Each row of MATRIX is a named view and a method; each column is a person asking for one partnership's
page. The pages' objects (plan, priority, exercise, candidate, assessment, threat, recommendation,
crime import, indicator, action, progress return, funding allocation, report version and job) exist
in both Lancaster and Chorley and South Ribble, so "own" and "other" are real rows.

    anon   nobody signed in                            (Lancaster's pages)
    none   signed in, with no role anywhere            (Lancaster's pages)
    off    Lancaster's officer                         (Lancaster's pages)
    offX   Chorley and South Ribble's officer          (Lancaster's pages: another partnership)
    lead   Lancaster's action lead, who leads the action whose returns are asked for
    leadX  the same lead                               (Chorley and South Ribble's pages)
    brd    Lancaster's board member
    brdX   the same board member                       (Chorley and South Ribble's pages)
    ana    Lancaster's analyst (an analyst role on Lancaster alone, added here)
    anaX   the same analyst                            (Chorley and South Ribble's pages)
    adm    a site administrator, past the two-factor step
    cty    the county board's analyst on Lancaster's pages: a role on the county board reads the
           districts below it (the 'county' pseudo-role) and changes nothing there

The cast's officer also sits on the county board, so reads Chorley and South Ribble's pages just as
cty reads Lancaster's; for "an officer of another partnership" (offX) the officer of Chorley and
South Ribble asks for Lancaster's pages instead.

Answers: 200 the page; 302 a redirect (for anon always to the sign-in page); 400 a malformed request;
403 may read but not do this; 404 outside the person's partnerships, or no such object; 405 the
view does not take this method. GET rows are asked with no data; POST rows with the little data in
POST_DATA (an allowed person gets the form back with errors, 200, or is sent on after the change,
302). Each post runs in a savepoint that is rolled back, so it changes nothing for the next column.

A view added to the URL configuration without rows here fails test_every_named_view_has_a_row.

Not a column: the district pseudo-role (a district's people reading their county board's agreement
and assessment); tests/priorities/test_access.py and tests/assessments/test_views.py check it.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actionplans.models import ProgressReturn
from actionplans.reviews.models import QualityAssuranceRound, Review, ReviewDocument, ReviewRole
from actionplans.reviews.models import Recommendation as ReviewRecommendation
from assessments.forms import PARTS
from assessments.models import CrimeImport, Indicator, Recommendation
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification
from csp_portal.organisations.middleware import LAST_SEEN_SESSION_KEY
from csp_portal.organisations.models import Invitation, Partnership, Role, RoleRequest, User
from csp_portal.organisations.queries import token_hash
from csp_portal.quarters import Quarter
from priorities.models import Plan
from priorities.publication import publish_plan
from reports import snapshot
from reports.models import Meeting, ReportJob, ReportVersion
from reports.publication import publish_quarter
from tests.actionplans.factories import ActionFactory, AllocationFactory, PlanFactory, PriorityFactory
from tests.conftest import Cast, build_cast, verify_second_factor
from tests.factories import UserFactory
from tests.priorities.factories import AssessmentFactory, CandidateFactory, ExerciseFactory, ThreatFactory

pytestmark = pytest.mark.django_db

MATRIX = """
view                                        method anon none off offX lead leadX brd brdX ana anaX adm cty
# -- Public and account pages; the partnership pages
healthz                                     GET    200  200  200 200  200  200   200 200  200 200  200 200
login                                       GET    200  302  302 302  302  302   302 302  302 302  302 302
login                                       POST   200  302  302 302  302  302   302 302  302 302  302 302
# The organisation sign-in is off unless a provider is configured, as here; configured, anyone may
# start it (tests/organisations/test_organisation_sign_in.py, through a real provider).
organisation_sign_in                        GET    404  404  404 404  404  404   404 404  404 404  404 404
organisation_sign_in_callback               GET    404  404  404 404  404  404   404 404  404 404  404 404
logout                                      GET    405  405  405 405  405  405   405 405  405 405  405 405
logout                                      POST   302  302  302 302  302  302   302 302  302 302  302 302
password_change                             GET    302  200  200 200  200  200   200 200  200 200  200 200
password_change                             POST   302  200  200 200  200  200   200 200  200 200  200 200
password_change_done                        GET    302  200  200 200  200  200   200 200  200 200  200 200
password_reset                              GET    200  200  200 200  200  200   200 200  200 200  200 200
password_reset                              POST   200  200  200 200  200  200   200 200  200 200  200 200
password_reset_done                         GET    200  200  200 200  200  200   200 200  200 200  200 200
password_reset_confirm                      GET    200  200  200 200  200  200   200 200  200 200  200 200
password_reset_confirm                      POST   200  200  200 200  200  200   200 200  200 200  200 200
password_reset_complete                     GET    200  200  200 200  200  200   200 200  200 200  200 200
account                                     GET    302  200  200 200  200  200   200 200  200 200  200 200
two_factor_verify                           GET    302  302  302 302  302  302   302 302  302 302  302 302
two_factor_verify                           POST   302  302  302 302  302  302   302 302  302 302  302 302
two_factor_setup                            GET    302  200  200 200  200  200   200 200  200 200  200 200
two_factor_setup                            POST   302  200  200 200  200  200   200 200  200 200  200 200
two_factor_disable                          GET    302  302  302 302  302  302   302 302  302 302  403 302
two_factor_disable                          POST   302  302  302 302  302  302   302 302  302 302  403 302
home                                        GET    302  200  200 200  200  200   200 200  200 200  302 200
partnership_list                            GET    302  200  200 200  200  200   200 200  200 200  200 200
search                                      GET    302  200  200 200  200  200   200 200  200 200  200 200
search                                      POST   302  405  405 405  405  405   405 405  405 405  405 405
switch_partnership                          GET    302  405  405 405  405  405   405 405  405 405  405 405
switch_partnership                          POST   302  400  302 400  302  400   302 400  302 400  400 400
partnership_detail                          GET    302  404  200 404  200  404   200 404  200 404  200 200
partnership_members                         GET    302  404  200 404  403  404   403 404  403 404  200 403
# officers (and site administrators) run their partnership's people and agencies
partnership_invite                          GET    302  404  200 404  403  404   403 404  403 404  200 403
partnership_invite                          POST   302  404  200 404  403  404   403 404  403 404  200 403
partnership_role_edit                       GET    302  404  200 404  403  404   403 404  403 404  200 403
partnership_role_edit                       POST   302  404  200 404  403  404   403 404  403 404  200 403
partnership_role_end                        GET    302  404  200 404  403  404   403 404  403 404  200 403
partnership_role_end                        POST   302  404  302 404  403  404   403 404  403 404  302 403
partnership_invitation_resend               GET    302  405  405 405  405  405   405 405  405 405  405 405
partnership_invitation_resend               POST   302  404  302 404  403  404   403 404  403 404  302 403
partnership_membership_add                  GET    302  404  200 404  403  404   403 404  403 404  200 403
partnership_membership_add                  POST   302  404  200 404  403  404   403 404  403 404  200 403
partnership_membership_edit                 GET    302  404  200 404  403  404   403 404  403 404  200 403
partnership_membership_edit                 POST   302  404  302 404  403  404   403 404  403 404  302 403
partnership_membership_remove               GET    302  404  200 404  403  404   403 404  403 404  200 403
partnership_membership_remove               POST   302  404  302 404  403  404   403 404  403 404  302 403
# anyone signed in asks a partnership's officers for a role; its officers (and site administrators) answer
ask_for_role                                GET    302  200  200 200  200  200   200 200  200 200  200 200
ask_for_role                                POST   302  200  200 200  200  200   200 200  200 200  200 200
partnership_role_request_give               GET    302  405  405 405  405  405   405 405  405 405  405 405
partnership_role_request_give               POST   302  404  302 404  403  404   403 404  403 404  302 403
partnership_role_request_decline            GET    302  405  405 405  405  405   405 405  405 405  405 405
partnership_role_request_decline            POST   302  404  302 404  403  404   403 404  403 404  302 403
# site administrators alone run authorities and partnerships across the portal
site_index                                  GET    302  403  403 403  403  403   403 403  403 403  200 403
site_authority_list                         GET    302  403  403 403  403  403   403 403  403 403  200 403
site_authority_add                          GET    302  403  403 403  403  403   403 403  403 403  200 403
site_authority_add                          POST   302  403  403 403  403  403   403 403  403 403  200 403
site_authority_edit                         GET    302  403  403 403  403  403   403 403  403 403  200 403
site_authority_edit                         POST   302  403  403 403  403  403   403 403  403 403  200 403
site_partnership_list                       GET    302  403  403 403  403  403   403 403  403 403  200 403
site_partnership_add                        GET    302  403  403 403  403  403   403 403  403 403  200 403
site_partnership_add                        POST   302  403  403 403  403  403   403 403  403 403  200 403
site_partnership_edit                       GET    302  403  403 403  403  403   403 403  403 403  200 403
site_partnership_edit                       POST   302  403  403 403  403  403   403 403  403 403  200 403
# the invited person's one-time link is the key: whoever holds it chooses the password (here a pending one)
accept_invitation                           GET    200  200  200 200  200  200   200 200  200 200  200 200
accept_invitation                           POST   200  200  200 200  200  200   200 200  200 200  200 200

# -- Public pages: anyone, signed in or not, reads a published plan (Lancaster's is published);
# Chorley and South Ribble's plan is not, so its public page is not found, whoever asks
public:index                                GET    200  200  200 200  200  200   200 200  200 200  200 200
public:plan                                 GET    200  200  200 200  200  404   200 404  200 404  200 200
# and Lancaster's published progress summary of the quarter (Chorley and South Ribble published none)
public_progress:quarter                     GET    200  200  200 200  200  404   200 404  200 404  200 200
# the open data: its dictionary and every dataset's files; a partnership's own plan file as its public page
open_data:index                             GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:plans-csv                         GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:plans-json                        GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:quarterly-status-csv              GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:quarterly-status-json             GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:indicators-csv                    GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:indicators-json                   GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:crime-counts-csv                  GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:crime-counts-json                 GET    200  200  200 200  200  200   200 200  200 200  200 200
open_data:partnership-plans-csv             GET    200  200  200 200  200  404   200 404  200 404  200 200
open_data:partnership-plans-json            GET    200  200  200 200  200  404   200 404  200 404  200 200

# -- Plans, priorities and priority setting: officers change, every role reads, participants score
priorities:plan_list                        GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:plan_create                      GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:plan_create                      POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:plan_detail                      GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:plan_edit                        GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:plan_edit                        POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:plan_history                     GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:plan_export                      GET    302  404  200 404  200  404   200 404  200 404  200 200
# officers (and site administrators) preview and publish the plan's public page, and withdraw it
priorities:plan_publish                     GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:plan_publish                     POST   302  404  302 404  403  404   403 404  403 404  302 403
priorities:plan_withdraw                    GET    302  405  405 405  405  405   405 405  405 405  405 405
priorities:plan_withdraw                    POST   302  404  302 404  403  404   403 404  403 404  302 403
priorities:archived_priorities              GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:priority_create                  GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_create                  POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_detail                  GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:priority_edit                    GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_edit                    POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_outcomes                GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_outcomes                POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_move                    GET    302  405  405 405  405  405   405 405  405 405  405 405
priorities:priority_move                    POST   302  404  302 404  403  404   403 404  403 404  302 403
priorities:priority_archive                 GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:priority_archive                 POST   302  404  302 404  403  404   403 404  403 404  302 403
priorities:priority_restore                 GET    302  405  405 405  405  405   405 405  405 405  405 405
priorities:priority_restore                 POST   302  404  302 404  403  404   403 404  403 404  302 403
priorities:priority_history                 GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:exercise_create                  GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_create                  POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_detail                  GET    302  404  200 404  200  404   200 404  200 404  200 200
priorities:exercise_edit                    GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_edit                    POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_criteria                GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_criteria                POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_candidates              GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:exercise_candidates              POST   302  404  200 404  403  404   403 404  403 404  200 403
priorities:candidate_remove                 GET    302  405  405 405  405  405   405 405  405 405  405 405
priorities:candidate_remove                 POST   302  404  302 404  403  404   403 404  403 404  302 403
priorities:candidate_convert                GET    302  404  200 404  403  404   403 404  403 404  200 403
priorities:candidate_convert                POST   302  404  200 404  403  404   403 404  403 404  200 403
# the exercise's participants alone score: here the officer, the lead and the board member
priorities:exercise_score                   GET    302  404  200 404  200  404   200 404  403 404  403 403
priorities:exercise_score                   POST   302  404  302 404  302  404   302 404  403 404  403 403
priorities:exercise_result                  GET    302  404  200 404  200  404   200 404  200 404  200 200

# -- Evidence: analysts change, officers also enter indicator figures, every role reads
assessments:assessment_list                 GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:assessment_create               GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:assessment_create               POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:assessment_detail               GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:assessment_edit                 GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:assessment_edit                 POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:assessment_document             GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:threat_create                   GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:threat_create                   POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:threat_edit                     GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:threat_edit                     POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:threat_delete                   GET    302  405  405 405  405  405   405 405  405 405  405 405
assessments:threat_delete                   POST   302  404  403 404  403  404   403 404  302 404  302 403
assessments:part_create                     GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:part_create                     POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:part_edit                       GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:part_edit                       POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:part_delete                     GET    302  405  405 405  405  405   405 405  405 405  405 405
assessments:part_delete                     POST   302  404  403 404  403  404   403 404  302 404  302 403
assessments:crime_data                      GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:crime_counts_csv                GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:crime_upload                    GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:crime_upload                    POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:import_list                     GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:import_detail                   GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:import_status                   GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:harm_weights                    GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:harm_weights                    POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:indicator_list                  GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:indicator_create                GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:indicator_create                POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:indicator_detail                GET    302  404  200 404  200  404   200 404  200 404  200 200
assessments:indicator_detail                POST   302  404  200 404  403  404   403 404  200 404  200 403
assessments:indicator_edit                  GET    302  404  403 404  403  404   403 404  200 404  200 403
assessments:indicator_edit                  POST   302  404  403 404  403  404   403 404  200 404  200 403
assessments:local_profile                   GET    302  404  200 404  200  404   200 404  200 404  200 200

# -- Action plans: officers change and review, the action's lead writes its return, every role reads
actionplans:index                           GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:action_list                     GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:priority_plan                   GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:action_add                      GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_add                      POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_detail                   GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:action_edit                     GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_edit                     POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_reorder                  GET    302  405  405 405  405  405   405 405  405 405  405 405
actionplans:action_reorder                  POST   302  404  302 404  403  404   403 404  403 404  302 403
actionplans:action_move                     GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_move                     POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_archive                  GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:action_archive                  POST   302  404  302 404  403  404   403 404  403 404  302 403
actionplans:action_restore                  GET    302  405  405 405  405  405   405 405  405 405  405 405
actionplans:action_restore                  POST   302  404  302 404  403  404   403 404  403 404  302 403
actionplans:action_history                  GET    302  404  200 404  200  404   200 404  200 404  200 200
# the action's lead alone writes its return: not an officer, not even a site administrator
actionplans:return_edit                     GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:return_edit                     POST   302  404  403 404  200  404   403 404  403 404  403 403
actionplans:return_review                   GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:return_review                   POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:return_withdraw                 GET    302  405  405 405  405  405   405 405  405 405  405 405
actionplans:return_withdraw                 POST   302  404  403 404  302  404   403 404  403 404  403 403
actionplans:quarter_current                 GET    302  404  302 404  302  404   302 404  302 404  302 302
actionplans:quarter_status                  GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:quarter_chase                   GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:quarter_chase                   POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:quarter_accept                  GET    302  405  405 405  405  405   405 405  405 405  405 405
actionplans:quarter_accept                  POST   302  404  302 404  403  404   403 404  403 404  302 403
actionplans:quarter_close                   GET    302  405  405 405  405  405   405 405  405 405  405 405
actionplans:quarter_close                   POST   302  404  302 404  403  404   403 404  403 404  302 403
actionplans:escalations                     GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:funding                         GET    302  404  200 404  200  404   200 404  200 404  200 200
actionplans:funding                         POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:funding_edit                    GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:funding_edit                    POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:plan_import                     GET    302  404  200 404  403  404   403 404  403 404  200 403
actionplans:plan_import                     POST   302  404  200 404  403  404   403 404  403 404  200 403
actionplans:plan_export                     GET    302  404  200 404  200  404   200 404  200 404  200 200

# -- Reports: every role reads the dashboard and the issued reports, officers prepare them
reports:dashboard                           GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:report_list                         GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:report_page                         GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:report_download                     GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:report_quarter                      GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:report_preview                      GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_request                      GET    302  405  405 405  405  405   405 405  405 405  405 405
reports:report_request                      POST   302  404  200 404  403  404   403 404  403 404  200 403
reports:report_issue                        GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_issue                        POST   302  404  200 404  403  404   403 404  403 404  200 403
# officers (and site administrators) preview and publish the quarter's public progress summary, and withdraw it
reports:progress_publish                    GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:progress_publish                    POST   302  404  302 404  403  404   403 404  403 404  302 403
reports:progress_withdraw                   GET    302  405  405 405  405  405   405 405  405 405  405 405
reports:progress_withdraw                   POST   302  404  302 404  403  404   403 404  403 404  302 403
reports:report_job                          GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_job_status                   GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_job_download                 GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_decision                     GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_decision                     POST   302  404  200 404  403  404   403 404  403 404  200 403
reports:report_settings                     GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:report_settings                     POST   302  404  200 404  403  404   403 404  403 404  200 403
# the board's meetings: every role reads them, officers add and change them and record attendance
reports:meeting_list                        GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:meeting_detail                      GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:meeting_ics                         GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:meeting_add                         GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:meeting_add                         POST   302  404  200 404  403  404   403 404  403 404  200 403
reports:meeting_edit                        GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:meeting_edit                        POST   302  404  200 404  403  404   403 404  403 404  200 403
reports:meeting_attendance                  GET    302  404  200 404  403  404   403 404  403 404  200 403
reports:meeting_attendance                  POST   302  404  302 404  403  404   403 404  403 404  302 403
reports:calendar_subscribe                  GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:calendar_subscribe                  POST   302  404  200 404  200  404   200 404  200 404  200 200
# statutory reviews' reports: every role reads recommendations' progress and the ASB figures (never a
# case file); officers ask for the recommendations report's PDF. A district's county roll-up says it has none.
reports:recommendations_report              GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:recommendations_csv                 GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:recommendations_request             GET    302  405  405 405  405  405   405 405  405 405  405 405
reports:recommendations_request             POST   302  404  302 404  403  404   403 404  403 404  302 403
reports:asb_figures                         GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:asb_figures_csv                     GET    302  404  200 404  200  404   200 404  200 404  200 200
reports:review_rollup                       GET    302  404  200 404  200  404   200 404  200 404  200 200
# a calendar app reads a person's meetings at a secret address without signing in; this one is no one's
calendar_feed                               GET    404  404  404 404  404  404   404 404  404 404  404 404
calendar_feed                               POST   405  405  405 405  405  405   405 405  405 405  405 405

# -- Statutory reviews: every role reads the register (their own reviews in it); a case file opens only to the
# review's people (here the partnership's officer is the review officer) and site administrators: 404 to anyone
# else, the partnership's board member, lead and analyst included. Officers start reviews and set timescales.
reviews:review_list                         GET    302  404  200 404  200  404   200 404  200 404  200 200
reviews:review_add                          GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:review_add                          POST   302  404  200 404  403  404   403 404  403 404  200 403
reviews:review_timescales                   GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:review_timescales                   POST   302  404  200 404  403  404   403 404  403 404  200 403
reviews:review_detail                       GET    302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_edit                         GET    302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_edit                         POST   302  404  200 404  404  404   404 404  404 404  200 404
reviews:qa_round_add                        GET    302  404  200 404  404  404   404 404  404 404  200 404
reviews:qa_round_add                        POST   302  404  200 404  404  404   404 404  404 404  200 404
reviews:qa_round_edit                       GET    302  404  200 404  404  404   404 404  404 404  200 404
reviews:qa_round_edit                       POST   302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_roles                        GET    302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_roles                        POST   302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_role_change                  GET    302  405  405 405  405  405   405 405  405 405  405 405
reviews:review_role_change                  POST   302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_role_remove                  GET    302  405  405 405  405  405   405 405  405 405  405 405
reviews:review_role_remove                  POST   302  404  302 404  404  404   404 404  404 404  302 404
reviews:review_document_add                 GET    302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_document_add                 POST   302  404  200 404  404  404   404 404  404 404  200 404
reviews:review_document_download            GET    302  404  200 404  404  404   404 404  404 404  200 404
# recommendations' progress is every role's, never the case file behind it; the review's officer (here the
# partnership's officer) adds and changes its recommendations and turns them into actions; officers keep the
# PCC's register. The PCC's recommendation's own pages: PCC_MATRIX below.
reviews:recommendation_list                 GET    302  404  200 404  200  404   200 404  200 404  200 200
reviews:recommendation_detail               GET    302  404  200 404  200  404   200 404  200 404  200 200
reviews:recommendation_add                  GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_add                  POST   302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_edit                 GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_edit                 POST   302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_action_add           GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_action_add           POST   302  404  200 404  403  404   403 404  403 404  200 403
reviews:pcc_register                        GET    302  404  200 404  200  404   200 404  200 404  200 200
reviews:pcc_recommendation_add              GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:pcc_recommendation_add              POST   302  404  200 404  403  404   403 404  403 404  200 403

# -- My actions: each person's own, across their partnerships
my_actions                                  GET    302  200  200 200  200  200   200 200  200 200  200 200
my_actions_quarter                          GET    302  200  200 200  200  200   200 200  200 200  200 200

# -- The Django admin, two sample pages: anon and every role are sent to the admin's sign-in page
# -- Notifications: each person's own; one opens only for its recipient (Lancaster's lead, here)
notifications:list                          GET    302  200  200 200  200  200   200 200  200 200  200 200
notifications:open                          GET    302  404  404 404  302  404   404 404  404 404  404 404
notifications:mark_all_read                 GET    302  405  405 405  405  405   405 405  405 405  405 405
notifications:mark_all_read                 POST   302  302  302 302  302  302   302 302  302 302  302 302
notifications:choices                       GET    302  200  200 200  200  200   200 200  200 200  200 200
notifications:choices                       POST   302  200  200 200  200  200   200 200  200 200  200 200
# -- Personal access tokens: each person's own. The address names no token of theirs (the table's pk is an
# assessment's), so it is not found; tests/api/test_tokens.py revokes one's own.
access_tokens                               GET    302  200  200 200  200  200   200 200  200 200  200 200
access_tokens                               POST   302  200  200 200  200  200   200 200  200 200  200 200
access_token_revoke                         GET    302  404  404 404  404  404   404 404  404 404  404 404
access_token_revoke                         POST   302  404  404 404  404  404   404 404  404 404  404 404
# -- The read API: its schema and documentation describe it to anyone; its data answers a token alone, so a
# signed-in browser gets 401 like nobody at all (who may read what with a token: API_MATRIX below)
api_schema                                  GET    200  200  200 200  200  200   200 200  200 200  200 200
api_docs                                    GET    200  200  200 200  200  200   200 200  200 200  200 200
api_partnerships                            GET    401  401  401 401  401  401   401 401  401 401  401 401
api_actions                                 GET    401  401  401 401  401  401   401 401  401 401  401 401
api_returns                                 GET    401  401  401 401  401  401   401 401  401 401  401 401
api_indicators                              GET    401  401  401 401  401  401   401 401  401 401  401 401

admin:index                                 GET    302  302  302 302  302  302   302 302  302 302  200 302
admin:organisations_partnership_changelist  GET    302  302  302 302  302  302   302 302  302 302  200 302
"""

# The Django admin guards itself (tests/organisations/test_admin.py tests it in depth); these two of its
# pages stand for it in the table.
ADMIN_SAMPLES = {"admin:index", "admin:organisations_partnership_changelist"}

QUARTER = Quarter(2025, 2)
PART = "recommendations"  # one of assessments.forms.PARTS; every part shares the same views and checks
A_PDF = b"%PDF-1.7\n% a stand-in PDF for pages that only hand a stored file over\n%%EOF\n"

# What a post carries, so that an allowed person's post reaches the view's work rather than a 400.
# "{slug}" is the slug of the partnership whose pages the column asks for.
POST_DATA = {
    "switch_partnership": {"partnership": "{slug}"},
    "priorities:priority_move": {"direction": "down"},
    "actionplans:action_reorder": {"direction": "down"},
    "assessments:harm_weights": {"action": "weight"},
}


@dataclass(frozen=True)
class Column:
    person: str | None  # a name in People, None for nobody signed in
    own: bool  # Lancaster's pages (True) or Chorley and South Ribble's


COLUMNS = {
    "anon": Column(None, True),
    "none": Column("outsider", True),
    "off": Column("officer", True),
    "offX": Column("csr_officer", True),
    "lead": Column("lead", True),
    "leadX": Column("lead", False),
    "brd": Column("board_member", True),
    "brdX": Column("board_member", False),
    "ana": Column("lancaster_analyst", True),
    "anaX": Column("lancaster_analyst", False),
    "adm": Column("admin", True),
    "cty": Column("analyst", True),
}
METHODS = ("GET", "POST")


def parse(table: str) -> dict[tuple[str, str], dict[str, int]]:
    """{(view, method): {column: status}} from the fixed-width table; '#' starts a comment line."""
    lines = [line.split() for line in table.strip().splitlines() if line.strip() and not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    assert header[:2] == ["view", "method"] and header[2:] == list(COLUMNS), "the table's columns are COLUMNS"
    parsed: dict[tuple[str, str], dict[str, int]] = {}
    for view, method, *codes in rows:
        assert method in METHODS, f"{view}: method {method!r}"
        assert len(codes) == len(COLUMNS), f"{view} {method}: {len(codes)} answers for {len(COLUMNS)} columns"
        assert (view, method) not in parsed, f"{view} {method} has two rows"
        parsed[view, method] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return parsed


EXPECTED = parse(MATRIX)


# -- The URL configuration --------------------------------------------------------------------------------


def named_patterns(resolver=None, namespace=None, converters=None):
    """(qualified name, converters of the whole route) for every named view outside the admin."""
    for entry in (resolver or get_resolver()).url_patterns:
        route_converters = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # ADMIN_SAMPLES stand for it
            yield from named_patterns(entry, entry.namespace or namespace, route_converters)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), route_converters


ROUTES = dict(named_patterns())


def test_every_named_view_has_a_row():
    in_table = {view for view, _ in EXPECTED}
    missing = sorted(set(ROUTES) - in_table)
    stale = sorted(in_table - set(ROUTES) - ADMIN_SAMPLES)
    assert not missing, f"views without a row in MATRIX (say who may open them): {', '.join(missing)}"
    assert not stale, f"rows in MATRIX for views that no longer exist: {', '.join(stale)}"
    for view in ADMIN_SAMPLES:
        reverse(view)  # the admin still has the sample pages


def test_every_view_has_a_get_row():
    without = sorted(view for view in ROUTES if (view, "GET") not in EXPECTED)
    assert not without, f"views without a GET row: {', '.join(without)}"


# -- The pages' objects, built once for the module --------------------------------------------------------


@dataclass
class People:
    cast: Cast
    lancaster_analyst: User

    def __getattr__(self, name: str) -> User:
        return getattr(self.cast, name)


def _objects_of(partnership: Partnership, *, lead: User | None, participants: list[User], person: User) -> dict:
    """One of everything a page can name, in the partnership: {URL argument: value}, and the stored
    files to delete afterwards."""
    plan = PlanFactory(partnership=partnership, title=f"{partnership.name} plan")
    priority = PriorityFactory(plan=plan, title="Domestic abuse", order=1)
    PriorityFactory(plan=plan, title="Road safety", order=2)
    exercise = ExerciseFactory(plan=plan, title="Priority setting")
    exercise.participants.set(participants)
    assessment = AssessmentFactory(partnership=partnership, title=f"{partnership.name} assessment")
    assessment.document.save(f"{partnership.slug}-assessment.pdf", ContentFile(A_PDF))
    threat = ThreatFactory(assessment=assessment, name="Domestic abuse")
    candidate = CandidateFactory(exercise=exercise, title="Shoplifting")
    recommendation = Recommendation.objects.create(assessment=assessment, number=1, text="Share the data.")
    indicator = Indicator.objects.create(partnership=partnership, name="Repeat referrals", source="MARAC")
    crime_import = CrimeImport.objects.create(partnership=partnership, requested_by=person)
    allocation = AllocationFactory(partnership=partnership, year=2025, amount=Decimal("10000"))
    action = ActionFactory(priority=priority, title="Prevention campaign", lead_user=lead, funding=allocation)
    escalation = ProgressReturn.objects.create(
        action=action,
        year=QUARTER.year,
        number=QUARTER.number,
        rag=ProgressReturn.Rag.AMBER,
        narrative="Two schools declined.",
        support_needed="The board to confirm the match-funding.",
        status=ProgressReturn.Status.SUBMITTED,
        submitted_by=lead,
        submitted_at=timezone.now(),
    )
    version = ReportVersion(
        partnership=partnership,
        year=QUARTER.year,
        number=QUARTER.number,
        version=1,
        snapshot=snapshot.build(partnership, QUARTER, status="issued", version=1, issued_by=person.full_name),
        checksum="a" * 64,
        size=len(A_PDF),
        pages=1,
        issued_by=person,
        issued_at=timezone.now(),
    )
    version.pdf.save(f"{partnership.slug}-v1.pdf", ContentFile(A_PDF), save=False)
    version.save()
    job = ReportJob(
        partnership=partnership, year=QUARTER.year, number=QUARTER.number, requested_by=person, status="ready"
    )
    job.pdf.save(f"{partnership.slug}-draft.pdf", ContentFile(A_PDF), save=False)
    job.save()
    review_objects = _review_of(partnership, person)
    recommendations = _recommendations_of(review_objects["review_id"], partnership, lead=lead, person=person)
    return {
        **review_objects,
        **recommendations,
        "slug": partnership.slug,
        "plan_id": plan.pk,
        "priority_id": priority.pk,
        "exercise_id": exercise.pk,
        "candidate_id": candidate.pk,
        "file_format": "csv",
        "pk": assessment.pk,
        "indicator_pk": indicator.pk,
        "threat_pk": threat.pk,
        "part": PART,
        "item_pk": recommendation.pk,
        "job_pk": crime_import.pk,
        "code": partnership.authorities.order_by("ons_code").first().ons_code,
        "authority_id": partnership.authorities.order_by("ons_code").first().pk,
        "partnership_id": partnership.pk,
        "action_id": action.pk,
        "quarter": QUARTER,
        "allocation_id": allocation.pk,
        "version_id": version.pk,
        "job_id": job.pk,
        "return_id": escalation.pk,
        "meeting_id": Meeting.objects.create(
            partnership=partnership, year=QUARTER.year, number=QUARTER.number, starts=timezone.now()
        ).pk,
        "notification_id": Notification.objects.create(
            recipient=lead or person,
            partnership=partnership,
            kind=Kind.RETURN_REVIEWED,
            subject="Your return was accepted",
            body="It goes into the board's report.",
            path=f"/partnerships/{partnership.slug}/",
            reason="you lead the action this return is for",
        ).pk,
        "uidb64": "MQ",
        "token": "set-password",
        **_people_of(partnership, person),
        "stored": [assessment.document, version.pdf, job.pdf, review_objects["review_document"].file],
    }


def _review_of(partnership: Partnership, officer: User) -> dict:
    """A homicide review whose review officer is the partnership's officer, with a panel member (no
    column: tests/reviews/test_review_access.py asks as one), a quality-assurance round and a document."""
    review = Review.objects.create(
        partnership=partnership, kind=Review.Kind.DHR, reference=f"{partnership.slug}-DHR-1", notified_on=QUARTER.start
    )
    ReviewRole.objects.create(review=review, user=officer, role=ReviewRole.Kind.OFFICER)
    panel = UserFactory(email=f"panel@{partnership.slug}.example", full_name="Pat Panel")
    panel_role = ReviewRole.objects.create(review=review, user=panel, role=ReviewRole.Kind.PANEL)
    qa_round = QualityAssuranceRound.objects.create(review=review, submitted_on=QUARTER.start)
    document = ReviewDocument(review=review, title="Terms of reference", uploaded_by=officer)
    document.file.save(f"{partnership.slug}-terms.pdf", ContentFile(A_PDF), save=False)
    document.save()
    return {
        "review_id": review.pk,
        "qa_round_id": qa_round.pk,
        "review_role_id": panel_role.pk,
        "document_id": document.pk,
        "review_document": document,
    }


def _recommendations_of(review_id: int, partnership: Partnership, *, lead: User | None, person: User) -> dict:
    """A national recommendation of the review, with an action signed off by an accepted Complete
    return (its evidence on the recommendation's page), and a PCC's recommendation, accepted and answered."""
    recommendation = ReviewRecommendation.objects.create(
        partnership=partnership, review_id=review_id, text="Train GPs.", level="national", sent_to="Home Office"
    )
    action = ActionFactory(priority=None, recommendation=recommendation, title="GP training", lead_user=lead)
    ProgressReturn.objects.create(
        action=action,
        year=QUARTER.year,
        number=QUARTER.number,
        rag=ProgressReturn.Rag.COMPLETE,
        percent_complete=100,
        narrative="All GPs trained.",
        status=ProgressReturn.Status.ACCEPTED,
        reviewed_by=person,
        reviewed_at=timezone.now(),
    )
    pcc = ReviewRecommendation.objects.create(
        partnership=partnership,
        text="Fund a youth worker.",
        received_on=QUARTER.start,
        considered_on=QUARTER.start,
        decision="partly",
        reasons="Half the cost.",
        response_sent_on=QUARTER.end,
    )
    return {"recommendation_id": recommendation.pk, "pcc_recommendation_id": pcc.pk}


def _people_of(partnership: Partnership, person: User) -> dict:
    """A board member invited and not yet signed in (their role, their pending invitation and its
    link's secret), an agency's seat on the partnership, and someone's request for a role there."""
    member = UserFactory(email=f"member@{partnership.slug}.example", full_name="Mo Member")
    member.set_unusable_password()
    member.save()
    role = Role.objects.create(user=member, partnership=partnership, role=Role.Kind.BOARD)
    token = f"invitation-of-{partnership.slug}"
    invitation = Invitation.objects.create(
        person=member,
        partnership=partnership,
        role=Role.Kind.BOARD,
        invited_by=person,
        token_hash=token_hash(token),
        expires=timezone.now() + timedelta(days=7),
    )
    return {
        "role_id": role.pk,
        "invitation_id": invitation.pk,
        "invitation_token": token,
        "membership_id": partnership.memberships.first().pk,
        "role_request_id": RoleRequest.objects.create(
            person=UserFactory(email=f"asker@{partnership.slug}.example", full_name="Ash Asker"),
            partnership=partnership,
            role=Role.Kind.LEAD,
            note="I lead the CCTV actions.\nFor the council.",
        ).pk,
    }


@dataclass
class World:
    people: People
    own: dict
    other: dict
    sessions: dict[str, str]  # person's name: session key of a signed-in session


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast, one of every object in each partnership and a signed-in session per person, built
    once in a transaction that is rolled back when the module is done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = build_cast()
            analyst = UserFactory(email="analyst@lancaster.example", full_name="Lara Analyst")
            Role.objects.create(user=analyst, partnership=cast.lancaster, role=Role.Kind.ANALYST)
            people = People(cast, analyst)
            own = _objects_of(
                cast.lancaster,
                lead=cast.lead,
                participants=[cast.officer, cast.lead, cast.board_member],
                person=cast.officer,
            )
            other = _objects_of(
                cast.chorley_south_ribble, lead=None, participants=[cast.csr_officer], person=cast.csr_officer
            )
            publish_plan(Plan.objects.get(pk=own["plan_id"]), actor=cast.officer)
            publish_quarter(cast.lancaster, QUARTER, commentary="Most actions are on track.", actor=cast.officer)
            names = {column.person for column in COLUMNS.values()} - {None}
            sessions = {name: _session_of(getattr(people, name)) for name in names}
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    # Every 403 and 404 below would log a warning, with a traceback for each 403.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    yield World(people, own, other, sessions)
    request_log.setLevel(level)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    for stored in own["stored"] + other["stored"]:
        stored.storage.delete(stored.name)


def _session_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    if user.is_superuser:
        verify_second_factor(client, user)
    # Each test's rollback would undo the idle timer's renewal, so every request would write the
    # session again; a session without the last-seen mark is never renewed.
    session = client.session
    del session[LAST_SEEN_SESSION_KEY]
    session.save()
    return session.session_key


# -- Asking ------------------------------------------------------------------------------------------------


def url_of(view: str, objects: dict) -> str:
    if view in ADMIN_SAMPLES:
        return reverse(view)
    kwargs = {name: objects[name] for name in ROUTES[view]}
    if view.startswith("assessments:indicator_") and "pk" in kwargs:
        kwargs["pk"] = objects["indicator_pk"]
    return reverse(view, kwargs=kwargs)


@dataclass
class Answer:
    status: int
    location: str = ""
    error: str = ""


def respond(
    world: World, view: str, method: str, column: str, objects: dict | None = None, headers: dict | None = None
) -> HttpResponse:
    """The response the column's person gets. A post runs in a savepoint rolled back afterwards, so
    that it changes nothing for the next column."""
    person = COLUMNS[column].person
    objects = objects or (world.own if COLUMNS[column].own else world.other)
    client = Client(raise_request_exception=False, headers=headers)
    if person is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[person]
    url = url_of(view, objects)
    if method == "GET":
        with _without_worker_ping() if view == "healthz" else nullcontext():
            return client.get(url)
    data = {key: value.format(slug=objects["slug"]) for key, value in POST_DATA.get(view, {}).items()}
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response


def ask(world: World, view: str, method: str, column: str, objects: dict | None = None) -> Answer:
    """The answer the column's person gets (see respond)."""
    response = respond(world, view, method, column, objects)
    error = ""
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        error = repr(response.exc_info[1])
    return Answer(response.status_code, response.get("Location", ""), error)


def _without_worker_ping():
    """/healthz waits two seconds for a worker that this module does not start; whether it answers
    everyone is the question here, what it says is tests/test_health_and_tasks.py's."""
    return override_settings(CELERY_TASK_ALWAYS_EAGER=True)


def sign_in_page(view: str) -> str:
    return reverse("admin:login") if view in ADMIN_SAMPLES else reverse("login")


@pytest.mark.parametrize(("view", "method"), list(EXPECTED), ids=[f"{v}-{m}" for v, m in EXPECTED])
def test_who_may_open_the_page(world, view, method):
    wrong = []
    for column, expected in EXPECTED[view, method].items():
        answer = ask(world, view, method, column)
        if answer.status != expected:
            wrong.append(f"  {column:<6} expected {expected}, got {answer.status} {answer.location}{answer.error}")
        elif column == "anon" and expected == 302 and not answer.location.startswith(sign_in_page(view)):
            wrong.append(f"  {column:<6} redirected to {answer.location}, not to sign in")
    assert not wrong, f"{view} {method}:\n" + "\n".join(wrong)


# The URL arguments that name an object; "pk" is an assessment's, or an indicator's on indicator pages.
OBJECT_ARGUMENTS = (
    "notification_id",
    "plan_id",
    "priority_id",
    "exercise_id",
    "candidate_id",
    "pk",
    "threat_pk",
    "item_pk",
    "job_pk",
    "code",
    "action_id",
    "allocation_id",
    "version_id",
    "job_id",
    "return_id",
    "meeting_id",
    "role_id",
    "invitation_id",
    "membership_id",
    "role_request_id",
    "review_id",
    "qa_round_id",
    "review_role_id",
    "document_id",
    "recommendation_id",
)
SWAPS = [(view, name) for view, converters in ROUTES.items() for name in OBJECT_ARGUMENTS if name in converters]


@pytest.mark.parametrize(("view", "argument"), SWAPS, ids=[f"{view}-{name}" for view, name in SWAPS])
def test_another_partnerships_object_is_not_found_at_ones_own_address(world, view, argument):
    """One object the address names is swapped for Chorley and South Ribble's, the rest are
    Lancaster's: every view looks it up within the partnership, plan, exercise, assessment or action
    the rest of the address names. A site administrator may open every object, so only the lookup
    can refuse."""
    key = "indicator_pk" if argument == "pk" and view.startswith("assessments:indicator_") else argument
    mixed = {**world.own, key: world.other[key]}
    method = "POST" if EXPECTED[view, "GET"]["adm"] == 405 else "GET"
    assert ask(world, view, method, "adm", objects=mixed).status == 404


# A PCC's recommendation has no review: its officers are the partnership's (read with the same columns).
PCC_MATRIX = """
view                                        method anon none off offX lead leadX brd brdX ana anaX adm cty
reviews:recommendation_detail               GET    302  404  200 404  200  404   200 404  200 404  200 200
reviews:recommendation_edit                 GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_edit                 POST   302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_action_add           GET    302  404  200 404  403  404   403 404  403 404  200 403
reviews:recommendation_action_add           POST   302  404  200 404  403  404   403 404  403 404  200 403
"""


# The read API asked with a personal access token of each column's person and no session ("anon" sends
# none): each reads what their pages show them, and the API is read-only (405 to any post, before the
# partnership is looked up, so a post tells nothing of another partnership either).
API_MATRIX = """
view                                        method anon none off offX lead leadX brd brdX ana anaX adm cty
api_partnerships                            GET    401  200  200 200  200  200   200 200  200 200  200 200
api_partnerships                            POST   401  405  405 405  405  405   405 405  405 405  405 405
api_actions                                 GET    401  404  200 404  200  404   200 404  200 404  200 200
api_actions                                 POST   401  405  405 405  405  405   405 405  405 405  405 405
api_returns                                 GET    401  404  200 404  200  404   200 404  200 404  200 200
api_returns                                 POST   401  405  405 405  405  405   405 405  405 405  405 405
api_indicators                              GET    401  404  200 404  200  404   200 404  200 404  200 200
api_indicators                              POST   401  405  405 405  405  405   405 405  405 405  405 405
"""


def test_the_api_answers_each_persons_token_as_its_table_says(world):
    from csp_portal.api.services import create_token

    wrong = []
    with transaction.atomic():
        secrets = {name: create_token(actor=getattr(world.people, name), name="Matrix")[1] for name in world.sessions}
        for (view, method), answers in parse(API_MATRIX).items():
            for column, expected in answers.items():
                person = COLUMNS[column].person
                client = Client(headers={"Authorization": f"Bearer {secrets[person]}"} if person else {})
                url = url_of(view, world.own if COLUMNS[column].own else world.other)
                status = (client.get if method == "GET" else client.post)(url).status_code
                if status != expected:
                    wrong.append(f"  {view} {method} {column:<6} expected {expected}, got {status}")
        transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_a_pcc_recommendations_pages_answer_as_their_table_says(world):
    wrong = []
    for (view, method), answers in parse(PCC_MATRIX).items():
        for column, expected in answers.items():
            objects = world.own if COLUMNS[column].own else world.other
            objects = {**objects, "recommendation_id": objects["pcc_recommendation_id"]}
            answer = ask(world, view, method, column, objects=objects)
            if answer.status != expected:
                wrong.append(f"  {view} {method} {column:<6} expected {expected}, got {answer.status}{answer.error}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_part_of_an_assessment_answers_as_the_table_says(world, part):
    """The table asks for one part of an assessment (PART); the others share its views. The analyst
    adds any part, the officer only reads them, and another partnership's analyst finds none."""
    wrong = []
    for column in ("ana", "off", "anaX"):
        expected = EXPECTED["assessments:part_create", "GET"][column]
        objects = {**(world.own if COLUMNS[column].own else world.other), "part": part}
        answer = ask(world, "assessments:part_create", "GET", column, objects=objects)
        if answer.status != expected:
            wrong.append(f"  {column:<6} expected {expected}, got {answer.status}")
    assert not wrong, f"{part}:\n" + "\n".join(wrong)


QUARTER_VIEWS = [view for view, converters in ROUTES.items() if "quarter" in converters]
EDGE_QUARTERS = ["1900-01-Q1", "1999-00-Q4", "2100-01-Q1", "9998-99-Q4"]


@pytest.mark.parametrize("view", QUARTER_VIEWS)
def test_a_quarter_outside_the_supported_years_is_not_found(world, view):
    """The converter's pattern admits any four-digit year, but pages reach a quarter's neighbours and
    deadline: the years at either end of the calendar once gave 500s. They are no address now."""
    method = "POST" if EXPECTED[view, "GET"]["adm"] == 405 else "GET"
    assert ask(world, view, method, "adm").status != 404, "the supported quarter answers"
    for quarter in EDGE_QUARTERS:
        url = url_of(view, world.own).replace(QUARTER.slug, quarter)
        client = Client(raise_request_exception=False)
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[COLUMNS["adm"].person]
        response = client.post(url) if method == "POST" else client.get(url)
        assert response.status_code == 404, f"{url} answered {response.status_code}"
