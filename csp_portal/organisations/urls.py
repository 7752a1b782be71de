from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, people_views, role_request_views, sign_in_views, site_views, views

members = "partnerships/<slug:slug>/members/"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/switch/", views.switch_partnership, name="switch_partnership"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<slug:slug>/members/", views.partnership_members, name="partnership_members"),
    path(members + "invite/", people_views.invite, name="partnership_invite"),
    path(members + "roles/<int:role_id>/", people_views.role_edit, name="partnership_role_edit"),
    path(members + "roles/<int:role_id>/end/", people_views.role_end, name="partnership_role_end"),
    path(
        members + "invitations/<int:invitation_id>/send-again/",
        people_views.invitation_resend,
        name="partnership_invitation_resend",
    ),
    path(members + "agencies/add/", people_views.membership_add, name="partnership_membership_add"),
    path(members + "agencies/<int:membership_id>/", people_views.membership_edit, name="partnership_membership_edit"),
    path(
        members + "agencies/<int:membership_id>/remove/",
        people_views.membership_remove,
        name="partnership_membership_remove",
    ),
    path(
        members + "requests/<int:role_request_id>/give/",
        role_request_views.give_role,
        name="partnership_role_request_give",
    ),
    path(
        members + "requests/<int:role_request_id>/decline/",
        role_request_views.decline,
        name="partnership_role_request_decline",
    ),
    path("site/", site_views.index, name="site_index"),
    path("site/authorities/", site_views.authority_list, name="site_authority_list"),
    path("site/authorities/add/", site_views.authority_add, name="site_authority_add"),
    path("site/authorities/<int:authority_id>/", site_views.authority_edit, name="site_authority_edit"),
    path("site/partnerships/", site_views.partnership_list, name="site_partnership_list"),
    path("site/partnerships/add/", site_views.partnership_add, name="site_partnership_add"),
    path("site/partnerships/<int:partnership_id>/", site_views.partnership_edit, name="site_partnership_edit"),
    path("account/", account_views.account, name="account"),
    path("account/ask-for-a-role/", role_request_views.ask_for_role, name="ask_for_role"),
    path("account/invitation/<str:invitation_token>/", people_views.accept_invitation, name="accept_invitation"),
    path("account/two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/turn-off/", account_views.two_factor_disable, name="two_factor_disable"),
    path("account/sign-in/", sign_in_views.SignInView.as_view(), name="login"),
    path("account/sign-in/organisation/", sign_in_views.OrganisationSignInStart.as_view(), name="organisation_sign_in"),
    path(
        "account/sign-in/organisation/callback/",
        sign_in_views.OrganisationSignInCallback.as_view(),
        name="organisation_sign_in_callback",
    ),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("account/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
