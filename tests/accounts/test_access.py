"""Each role sees what it may: decided in registry.accounts.access, asked by everything."""

import pytest
from django.contrib.auth.models import AnonymousUser

from registry.accounts import access
from registry.listings.models import Listing
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def test_roles_of_the_demo_accounts(users):
    assert {name: access.role_of(user) for name, user in users.items()} == {
        "admin": access.ADMIN, "stadt-erfurt": access.CITY_MANAGER, "stadt-jena": access.CITY_MANAGER,
        "analyst": access.ANALYST, "eigentuemer": access.OWNER,
    }
    assert access.role_of(AnonymousUser()) == access.PUBLIC


def test_a_city_manager_sees_all_units_of_their_municipality_and_elsewhere_what_the_public_sees(users):
    visible = access.units_visible_to(users["stadt-erfurt"], Unit.objects.all())
    erfurt = Unit.objects.filter(municipality__ags="16051000")
    public = access.units_visible_to(AnonymousUser(), Unit.objects.all())
    assert visible.filter(municipality__ags="16051000").count() == erfurt.count()
    elsewhere = visible.exclude(municipality__ags="16051000")
    assert set(elsewhere) == set(public.exclude(municipality__ags="16051000"))
    assert elsewhere.exists()  # logging in never shows less than the public sees


def test_a_city_manager_reads_the_stories_of_their_own_units_only(users):
    manager = users["stadt-erfurt"]
    assert access.timeline_reach(manager) == "own"
    assert access.timeline_reach(users["analyst"]) == "all"
    assert access.timeline_reach(users["eigentuemer"]) is None
    assert access.timeline_reach(AnonymousUser()) is None


def test_analysts_and_admins_see_every_unit(users):
    assert access.units_visible_to(users["analyst"], Unit.objects.all()).count() == Unit.objects.count()
    assert access.units_visible_to(users["admin"], Unit.objects.all()).count() == Unit.objects.count()


def test_the_public_sees_only_units_with_a_published_consented_listing():
    visible = access.units_visible_to(AnonymousUser(), Unit.objects.all())
    assert visible.count() == Listing.objects.public().count() > 0
    assert not visible.exclude(listing__published=True).exists()


def test_an_owner_sees_their_own_units_and_public_listings(users):
    visible = access.units_visible_to(users["eigentuemer"], Unit.objects.all())
    own = Unit.objects.filter(owner__user=users["eigentuemer"])
    assert own.exists()
    assert set(own) <= set(visible)
    assert visible.count() < Unit.objects.count()


def test_only_the_own_city_manager_and_admins_may_see_private_data(users):
    erfurt = Unit.objects.filter(municipality__ags="16051000").first().municipality_id
    assert access.can_see_private(users["stadt-erfurt"], erfurt)
    assert access.can_see_private(users["admin"], erfurt)
    assert not access.can_see_private(users["stadt-jena"], erfurt)
    assert not access.can_see_private(users["analyst"], erfurt)
    assert not access.can_see_private(AnonymousUser(), erfurt)


def test_the_policys_consent_value_is_the_owner_models():
    # The policy sits below owners and names the value itself; this keeps the two equal.
    from registry.owners.models import Owner

    assert access.CONSENTED == Owner.Consent.CONSENTED


def test_the_policy_imports_no_model_of_another_app():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(access))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {name for name in imported if name.startswith("registry.")}


def test_a_city_manager_without_municipalities_edits_nothing_and_sees_what_the_public_sees(users, django_user_model):
    from django.contrib.auth.models import Group

    from registry.accounts.models import Role

    lone = django_user_model.objects.create_user("stadt-ohne", password="x")
    lone.groups.add(Group.objects.get(name=Role.CITY_MANAGER))
    assert access.editable_municipality_ids(lone) == frozenset()
    assert not access.can_add_units(lone)
    public = access.units_visible_to(AnonymousUser(), Unit.objects.all())
    assert set(access.units_visible_to(lone, Unit.objects.all())) == set(public)
    assert access.editable_sql(lone) == ("false", [])
    assert access.editable_sql(users["admin"]) == ("true", [])
