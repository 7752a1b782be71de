"""factory_boy factories for the organisations every test builds on."""

import factory
from django.utils.text import slugify

from csp_portal.organisations.models import (
    Agency,
    Authority,
    Membership,
    Partnership,
    PoliceForceArea,
    Role,
    User,
)


class PoliceForceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliceForceArea
        django_get_or_create = ["code"]

    code = "E23000003"
    name = "Lancashire"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"Authority {n}")
    ons_code = factory.Sequence(lambda n: f"E079{n:05d}")  # clear of real district codes
    kind = Authority.Kind.DISTRICT


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Partnership.Kind.DISTRICT


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    agency_type = Agency.Type.OTHER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    agency = factory.SubFactory(AgencyFactory)
    representative = "Head of Community Safety"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct horse battery staple")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.Kind.OFFICER
