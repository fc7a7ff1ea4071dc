"""The admin for every role: what each one lists, opens, picks, posts and triggers (issue 15, items 1 and 3).

Roles: stadt-erfurt and stadt-jena (city managers), analyst, eigentuemer (owner, no admin), admin. The attacks
are those of the security review: a foreign id posted into a raw-id or foreign-key field (and the form
re-rendered), an action on a foreign record, an invitation for someone else's account, a centre redrawn
over or handed to another town, a stale form saved over a map edit, photos with EXIF, consent without record.
"""

import io
import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.test import RequestFactory
from django.utils.formats import localize_input
from PIL import Image

from registry.accounts import access
from registry.listings.models import Inquiry, Listing, ListingPhoto
from registry.owners.models import Owner
from registry.places.models import TownCentre
from registry.units import services
from registry.units.models import Unit

pytestmark = pytest.mark.django_db
ERFURT, JENA = "16051000", "16053000"
ROLES = ["stadt-erfurt", "stadt-jena", "analyst", "eigentuemer", "admin"]


@pytest.fixture(autouse=True)
def _mail_and_media(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


def as_user(client, users, name):
    client.force_login(users[name])
    return client


def form_data(response):
    """What the browser would post back for the admin form on this page, unchanged."""
    data = {}

    def add(form, prefix=""):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif hasattr(value, "ewkt"):
                data[key] = value.ewkt
            elif isinstance(field.widget, MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = localize_input(part) if part is not None else ""
            elif hasattr(value, "isoformat"):
                data[key] = localize_input(value)
            elif hasattr(value, "name") and not isinstance(value, str):  # a stored file: leave as is
                continue
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for form in formset.forms:
            add(form)
    return data


def first(model, **lookup):
    return model.objects.filter(**lookup).order_by("pk").first()


def jena_only_owner():
    return Owner.objects.filter(units__municipality__ags=JENA).exclude(units__municipality__ags=ERFURT).exclude(
        email="").order_by("pk").first()


# --- every model, every role: lists and objects ---------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_every_admin_list_holds_only_what_the_role_may_see(client, users, role):
    as_user(client, users, role)
    request = RequestFactory().get("/admin/")
    request.user = users[role]
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url)
        allowed = model_admin.has_view_or_change_permission(request)
        if not users[role].is_staff:  # owners and analysts work outside the admin
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
            continue
        assert response.status_code == (200 if allowed else 403), (url, response.status_code)
        if not allowed or role in ("admin",):
            continue
        visible = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        if model._meta.label_lower in ("places.municipality", "places.towncentre"):
            continue  # public records; changing them is tested below
        if role == "analyst":
            assert model._meta.label_lower in ("units.unit",), model  # nothing personal
        else:
            assert visible <= set(access.editable_by(users[role], model._default_manager.all())
                                  .values_list("pk", flat=True)), model


@pytest.mark.parametrize("path, lookup", [
    ("units/unit", lambda: first(Unit, municipality__ags=JENA)),
    ("owners/owner", jena_only_owner),
    ("listings/listing", lambda: first(Listing, unit__municipality__ags=JENA)),
    ("listings/inquiry", lambda: Inquiry.objects.create(
        listing=first(Listing, unit__municipality__ags=JENA), name="Interessent Jena", email="i@example.org",
        intended_use="Café", message="Hallo", client_key="x")),
])
def test_a_foreign_record_cannot_be_opened_or_posted_to(client, users, path, lookup):
    foreign = lookup()
    if foreign is None:
        pytest.skip("no such record in the demo")
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/{path}/{foreign.pk}/change/"
    assert client.get(url).status_code in (302, 403, 404)
    assert client.post(url, {"name": "Übernommen", "title": "Übernommen", "street": "Übernommen"}).status_code \
        in (302, 403, 404)
    foreign.refresh_from_db()
    assert "Übernommen" not in str(vars(foreign).values())
    if path == "listings/inquiry":  # nor listed
        assert foreign.name not in client.get("/admin/listings/inquiry/").content.decode()


def test_analysts_read_units_without_personal_data(client, users):
    """Analysts have no admin access; were one made staff, units would still show nobody's data."""
    assert client.get("/admin/units/unit/").status_code == 302
    users["analyst"].is_staff = True
    users["analyst"].save()
    unit = Unit.objects.filter(owner__isnull=False).exclude(internal_note="").first() or \
        Unit.objects.filter(owner__isnull=False).first()
    page = as_user(client, users, "analyst").get(f"/admin/units/unit/{unit.pk}/change/").content.decode()
    assert unit.street in page
    assert unit.owner.name not in page and (not unit.internal_note or unit.internal_note not in page)
    assert client.get("/admin/owners/owner/").status_code == 403


# --- foreign keys: querysets, validation, re-render ------------------------------------------------------------

def _choices_outside_scope(user):
    """Every model-choice field of every admin form a city manager can open, against the scope rule."""
    request = RequestFactory().get("/admin/")
    request.user = user
    leaks = []
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue
        forms = [model_admin.get_form(request)]
        forms += [inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)]
        for form in forms:
            for name, field in form.base_fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None:
                    continue
                allowed = access.editable_by(user, queryset.model._default_manager.all())
                if queryset.exclude(pk__in=allowed.values("pk")).exists():
                    leaks.append(f"{model.__name__}.{name}")
    return leaks


def test_no_form_field_of_a_city_manager_offers_another_towns_record(users):
    assert _choices_outside_scope(users["stadt-erfurt"]) == []
    assert _choices_outside_scope(users["stadt-jena"]) == []


def test_a_foreign_owner_posted_into_a_unit_is_refused_and_not_shown(client, users):
    unit = first(Unit, municipality__ags=ERFURT)
    foreign = jena_only_owner()
    as_user(client, users, "stadt-erfurt")
    page = client.get(f"/admin/units/unit/{unit.pk}/change/")
    data = form_data(page) | {"owner": str(foreign.pk)}
    response = client.post(f"/admin/units/unit/{unit.pk}/change/", data)
    assert response.status_code == 200  # the form again, with an error
    body = response.content.decode()
    assert "gültige" in body or "Auswahl" in body
    assert foreign.name not in body and foreign.email not in body  # the re-render names nobody
    unit.refresh_from_db()
    assert unit.owner_id != foreign.pk
    # and the autocomplete behind the widget does not find them either
    found = client.get("/admin/autocomplete/", {"app_label": "units", "model_name": "unit", "field_name": "owner",
                                                "term": foreign.name}).json()
    assert str(foreign.pk) not in {item["id"] for item in found["results"]}


def test_the_map_services_refuse_a_foreign_owner_too(users):
    unit = first(Unit, municipality__ags=ERFURT)
    with pytest.raises(services.ValidationError):
        services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, owner=jena_only_owner())


def test_a_listing_cannot_be_created_on_or_moved_to_a_foreign_unit(client, users):
    as_user(client, users, "stadt-jena")
    erfurt_unit = Unit.objects.filter(municipality__ags=ERFURT, listing__isnull=True).first()
    data = {"unit": erfurt_unit.pk, "slug": "uebernahme", "title": "Übernahme", "description": "",
            "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"}
    response = client.post("/admin/listings/listing/add/", data)
    assert response.status_code == 200 and not Listing.objects.filter(slug="uebernahme").exists()
    own = first(Listing, unit__municipality__ags=JENA)
    page = client.get(f"/admin/listings/listing/{own.pk}/change/")
    client.post(f"/admin/listings/listing/{own.pk}/change/", form_data(page) | {"unit": str(erfurt_unit.pk)})
    own.refresh_from_db()
    assert own.unit.municipality.ags == JENA


# --- owners: accounts, invitations, consent ----------------------------------------------------------------

def test_a_city_manager_never_sees_or_sets_an_owners_user_account(client, users):
    owner = Owner.objects.filter(units__municipality__ags=ERFURT, user__isnull=True).first()
    as_user(client, users, "stadt-erfurt")
    page = client.get(f"/admin/owners/owner/{owner.pk}/change/")
    assert 'name="user"' not in page.content.decode()
    client.post(f"/admin/owners/owner/{owner.pk}/change/", form_data(page) | {"user": users["admin"].pk})
    owner.refresh_from_db()
    assert owner.user_id is None


def test_the_invitation_of_the_review_takes_over_no_account(client, users):
    """The review's attack: link `admin` to an owner, type one's own address, invite."""
    owner = Owner.objects.filter(units__municipality__ags=ERFURT, user__isnull=True).first()
    as_user(client, users, "stadt-erfurt")
    # an address that already belongs to an account (here: the admin's)
    Owner.objects.filter(pk=owner.pk).update(email=users["admin"].email)
    client.post("/admin/owners/owner/", {"action": "invite", "_selected_action": [owner.pk]})
    # an owner linked (by whatever means) to a staff account
    other = Owner.objects.filter(units__municipality__ags=ERFURT, user__isnull=True).exclude(pk=owner.pk).first()
    Owner.objects.filter(pk=other.pk).update(user=users["admin"], email="angreifer@example.org")
    client.post("/admin/owners/owner/", {"action": "invite", "_selected_action": [other.pk]})
    # an owner of another town, by id
    client.post("/admin/owners/owner/", {"action": "invite", "_selected_action": [jena_only_owner().pk]})
    assert mail.outbox == []
    users["admin"].refresh_from_db()
    assert users["admin"].has_usable_password() and users["admin"].username == "admin"


def test_an_owner_with_units_in_two_towns_is_invited_by_the_administration_only(client, users):
    """The repeat review's path: Jena edits the address of an owner Erfurt invited, then re-invites."""
    owner = Owner.objects.filter(units__municipality__ags=ERFURT, user__isnull=True).first()
    jena_unit = Unit.objects.filter(municipality__ags=JENA).first()
    Unit.objects.filter(pk=jena_unit.pk).update(owner=owner)
    Owner.objects.filter(pk=owner.pk).update(email="angreifer-jena@example.org")
    for manager in ("stadt-jena", "stadt-erfurt"):
        as_user(client, users, manager).post("/admin/owners/owner/",
                                             {"action": "invite", "_selected_action": [owner.pk]})
    assert mail.outbox == []
    owner.refresh_from_db()
    assert owner.user is None
    as_user(client, users, "admin").post("/admin/owners/owner/", {"action": "invite", "_selected_action": [owner.pk]})
    assert [message.to for message in mail.outbox] == [["angreifer-jena@example.org"]]


def test_who_edited_another_towns_centre_is_not_shown(client, users):
    erfurt = TownCentre.objects.get(slug="erfurt-altstadt")
    url = f"/admin/places/towncentre/{erfurt.pk}/history/"
    assert as_user(client, users, "stadt-jena").get(url).status_code == 403
    assert as_user(client, users, "analyst").get(url).status_code in (302, 403)  # not staff: login page
    assert as_user(client, users, "stadt-erfurt").get(url).status_code == 200


def test_an_owner_who_already_set_a_password_is_not_invited_again(client, users):
    owner = Owner.objects.get(user=users["eigentuemer"])
    Owner.objects.filter(pk=owner.pk).update(email="neu@example.org")
    as_user(client, users, "admin").post("/admin/owners/owner/", {"action": "invite", "_selected_action": [owner.pk]})
    assert mail.outbox == []


def test_consent_changed_in_the_admin_needs_evidence_and_records_who(client, users):
    owner = Owner.objects.filter(units__municipality__ags=ERFURT, consent="unknown").first()
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/owners/owner/{owner.pk}/change/"
    data = form_data(client.get(url)) | {"consent": "consented", "consent_date": "01.11.2026"}
    response = client.post(url, data)
    assert response.status_code == 200 and "nachgewiesen" in response.content.decode()
    owner.refresh_from_db()
    assert owner.consent == "unknown"
    client.post(url, data | {"consent_evidence": "Schreiben vom 1.11.2026, Akte 7/26"})
    owner.refresh_from_db()
    assert owner.consent == "consented" and owner.consent_recorded_by == users["stadt-erfurt"]
    assert owner.consent_recorded_at is not None and "Akte 7/26" in owner.consent_evidence


def test_consent_without_its_date_is_refused_in_words_not_by_constraint_name(client, users):
    owner = Owner.objects.filter(units__municipality__ags=ERFURT, consent="unknown").first()
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/owners/owner/{owner.pk}/change/"
    data = form_data(client.get(url)) | {"consent": "consented", "consent_date": "",
                                         "consent_evidence": "Schreiben vom 1.11.2026"}
    page = client.post(url, data).content.decode()
    assert "Datum der Einwilligung" in page and "owner_consent_has_date" not in page
    owner.refresh_from_db()
    assert owner.consent == "unknown"


# --- centres ------------------------------------------------------------------------------------------------

def test_a_centre_is_neither_redrawn_over_nor_handed_to_another_town(client, users):
    erfurt = TownCentre.objects.get(slug="erfurt-altstadt")
    jena = TownCentre.objects.get(slug="jena-innenstadt")
    before = Unit.objects.filter(centre=jena).count()
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/places/towncentre/{erfurt.pk}/change/"
    data = form_data(client.get(url))
    client.post(url, data | {"boundary": jena.boundary.ewkt})
    client.post(url, data | {"municipality": str(jena.municipality_id)})
    erfurt.refresh_from_db()
    assert erfurt.municipality.ags == ERFURT and not erfurt.boundary.intersects(jena.boundary)
    assert Unit.objects.filter(centre=jena).count() == before
    assert client.post(f"/admin/places/towncentre/{jena.pk}/change/", data).status_code == 403


def test_a_centre_is_redrawn_within_its_town(client, users):
    erfurt = TownCentre.objects.get(slug="erfurt-altstadt")
    smaller = erfurt.boundary.buffer(-0.0005)
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/places/towncentre/{erfurt.pk}/change/"
    response = client.post(url, form_data(client.get(url)) | {"boundary": smaller.ewkt, "name": "Altstadt"})
    assert response.status_code == 302
    erfurt.refresh_from_db()
    assert erfurt.name == "Altstadt" and erfurt.boundary.area < TownCentre.objects.get(slug="jena-innenstadt") \
        .boundary.area * 100


# --- writes through the unit services ----------------------------------------------------------------------

def test_a_stale_admin_form_does_not_undo_a_map_edit(client, users, erfurt_market):
    unit = first(Unit, municipality__ags=ERFURT)
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/units/unit/{unit.pk}/change/"
    data = form_data(client.get(url))
    moved = services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, location=erfurt_market,
                                 name="Vom Plan")
    logged = LogEntry.objects.count()
    response = client.post(url, data | {"name": "Aus dem alten Formular"})
    assert response.status_code == 200
    assert "Diese Einheit wurde inzwischen von jemand anderem geändert." in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "Vom Plan" and unit.location.equals(moved.location) and unit.version == moved.version
    assert LogEntry.objects.count() == logged  # nothing recorded as done either


def test_an_admin_edit_goes_through_the_services(client, users):
    unit = first(Unit, municipality__ags=ERFURT)
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/units/unit/{unit.pk}/change/"
    response = client.post(url, form_data(client.get(url)) | {"name": "Neu im Admin"})
    assert response.status_code == 302
    after = Unit.objects.get(pk=unit.pk)
    assert after.name == "Neu im Admin" and after.version == unit.version + 1
    assert after.updated_by == users["stadt-erfurt"]


def test_a_unit_cannot_be_moved_into_another_town_from_the_admin(client, users, jena_point):
    unit = first(Unit, municipality__ags=ERFURT)
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/units/unit/{unit.pk}/change/"
    response = client.post(url, form_data(client.get(url)) | {"location": jena_point.ewkt})
    assert response.status_code == 200 and "Jena" in response.content.decode()
    assert Unit.objects.get(pk=unit.pk).municipality.ags == ERFURT


def test_the_status_history_is_read_only_in_the_admin(client, users):
    """Intervals change through the map's status service; the admin cannot post overlapping ones (was a 500)."""
    unit = Unit.objects.filter(municipality__ags=ERFURT, intervals__valid_to__isnull=False).first()
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/units/unit/{unit.pk}/change/"
    data = form_data(client.get(url))
    data |= {"intervals-TOTAL_FORMS": "1", "intervals-INITIAL_FORMS": "0", "intervals-0-status": "vacant",
             "intervals-0-valid_from": "01.01.2000"}
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert not unit.intervals.filter(valid_from="2000-01-01").exists()


# --- photos ------------------------------------------------------------------------------------------------

def _image(kind, exif=False):
    image = Image.new("RGB", (800, 600), "teal")
    out = io.BytesIO()
    if exif:
        data = image.getexif()
        data[0x8825] = {1: "N", 2: (50.0, 58.0, 39.0)}
        data[0x013B] = "Max Mustermann"
        image.save(out, kind, exif=data)
    else:
        image.save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["GIF", "BMP", "TIFF"])
def test_admin_photo_uploads_refuse_other_formats(client, users, kind):
    listing = first(Listing, unit__municipality__ags=ERFURT)
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/listings/listing/{listing.pk}/change/"
    data = form_data(client.get(url))
    prefix = "photos"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {f"{prefix}-TOTAL_FORMS": str(total + 1), f"{prefix}-{total}-caption": "x", f"{prefix}-{total}-position": "9",
             f"{prefix}-{total}-image": SimpleUploadedFile(f"bild.{kind.lower()}", _image(kind))}
    response = client.post(url, data)
    assert response.status_code == 200
    assert listing.photos.count() == total


def test_admin_photo_uploads_are_processed_like_the_owners(client, users):
    listing = first(Listing, unit__municipality__ags=ERFURT)
    as_user(client, users, "stadt-erfurt")
    url = f"/admin/listings/listing/{listing.pk}/change/"
    data = form_data(client.get(url))
    total = int(data["photos-TOTAL_FORMS"])
    data |= {"photos-TOTAL_FORMS": str(total + 1), f"photos-{total}-caption": "Schaufenster", f"photos-{total}-position": "9",
             f"photos-{total}-image": SimpleUploadedFile("Mustermann_Max_Eigentuemer.jpg", _image("JPEG", exif=True))}
    response = client.post(url, data)
    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms]\
        + [response.context["adminform"].form.errors]
    photo = ListingPhoto.objects.filter(listing=listing).order_by("-pk").first()
    assert "Mustermann" not in photo.image.name and photo.thumbnail
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    assert client.get(listing.get_absolute_url()).status_code in (200, 404)


# --- actions -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["stadt-erfurt", "analyst"])
def test_actions_do_nothing_outside_the_scope(client, users, role):
    as_user(client, users, role)
    foreign_unit = first(Unit, municipality__ags=JENA)
    response = client.post("/admin/units/unit/", {"action": "delete_selected", "_selected_action": [foreign_unit.pk],
                                                  "post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert Unit.objects.filter(pk=foreign_unit.pk).exists()
    assert re.search(r"(?i)traceback|server error", response.content.decode()) is None
