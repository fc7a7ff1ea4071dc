"""Owners' history: changes in the admin are recorded with who and channel; a deleted owner's name,
contacts and address do not survive in the history (README „Aufbewahrung/Historie“)."""

import pytest

from registry.owners.models import PERSONAL_FIELDS, Owner, OwnerEvent
from registry.units.models import UnitEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


@pytest.fixture
def owner():
    return Owner.objects.filter(units__municipality__ags="16051000", user__isnull=True).exclude(
        consent="consented").distinct().first()


def admin_form(client, url):
    """The change form's own values, as a browser would send them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    return data


def test_an_admin_edit_is_recorded_with_user_channel_and_old_to_new(admin_client, users, owner):
    url = f"/admin/owners/owner/{owner.pk}/change/"
    old_phone = owner.phone
    response = admin_client.post(url, {**admin_form(admin_client, url), "phone": "030 23125 999"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = OwnerEvent.objects.filter(pgh_obj=owner.pk).select_related("pgh_context").latest("pgh_id")
    assert event.pgh_label == "update" and event.phone == "030 23125 999"
    assert event.pgh_context.metadata["user"] == users["admin"].pk
    assert event.pgh_context.metadata["channel"] == "admin"
    previous = OwnerEvent.objects.filter(pgh_obj=owner.pk, pgh_id__lt=event.pgh_id).latest("pgh_id")
    assert previous.phone == old_phone


def test_deleting_an_owner_scrubs_name_and_contacts_from_all_its_events(admin_client, owner):
    name, unit_ids = owner.name, list(owner.units.values_list("pk", flat=True))
    Owner.objects.filter(pk=owner.pk).update(phone="030 23125 111")  # an older state with other contacts
    response = admin_client.post(f"/admin/owners/owner/{owner.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Owner.objects.filter(pk=owner.pk).exists()
    events = OwnerEvent.objects.filter(pgh_obj=owner.pk)
    assert events.count() >= 2 and events.filter(pgh_label="delete").exists()
    for event in events:
        assert all(getattr(event, field) == "" for field in PERSONAL_FIELDS), event.pgh_label
    assert not OwnerEvent.objects.filter(name=name).exclude(pgh_obj__in=Owner.objects.filter(name=name)).exists()
    # the units record that they lost their owner, by number only: unit events never copy the person
    assert UnitEvent.objects.filter(pgh_obj__in=unit_ids, pgh_label="update", owner__isnull=True).count() == len(
        unit_ids)


def test_a_deleted_owners_name_leaves_the_admins_recent_actions_too(admin_client):
    from django.contrib.admin.models import LogEntry

    owner = Owner.objects.create(name="Gabi Lehmann", owner_type=Owner.Type.PRIVATE)
    name, url = str(owner), f"/admin/owners/owner/{owner.pk}/change/"
    assert name == "Gabi Lehmann"
    admin_client.post(url, {**admin_form(admin_client, url), "phone": "030 23125 999"}, follow=True)
    assert LogEntry.objects.filter(object_id=str(owner.pk), object_repr=name).exists()  # the edit is logged by name
    admin_client.post(f"/admin/owners/owner/{owner.pk}/delete/", {"post": "yes"}, follow=True)  # its one message
    entries = LogEntry.objects.filter(object_id=str(owner.pk), content_type__model="owner")
    assert entries.count() == 2 and set(entries.values_list("object_repr", flat=True)) == {"gelöscht"}
    assert name not in admin_client.get("/admin/").content.decode()  # „Neueste Aktionen“


def test_a_deleted_owner_in_an_import_undo_is_scrubbed_too():
    """The database does it, whoever deletes: here plain SQL, as the import's undo and retention do."""
    from django.db import connection

    owner = Owner.objects.create(name="Zara Zeitweilig", phone="030 23125 222", email="zara@example.org")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM owners_owner WHERE id = %s", [owner.pk])
    assert list(OwnerEvent.objects.filter(pgh_obj=owner.pk).values_list("pgh_label", "name", "phone", "email")) == [
        ("insert", "", "", ""), ("delete", "", "", "")]


def test_a_copy_straight_into_the_table_is_recorded_too():
    """COPY bypasses Django and fires no row triggers of Python libraries; the statement's trigger still
    copies each row into the history."""
    from django.db import connection

    columns = ("name", "organisation", "owner_type", "phone", "email", "postal_address", "consent",
               "consent_evidence")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY owners_owner ({', '.join(columns)}) FROM STDIN") as copy:
            for name in ("Kopie Eins", "Kopie Zwei"):
                copy.write_row((name, "", "unknown", "", "", "", "unknown", ""))
    events = OwnerEvent.objects.filter(name__startswith="Kopie ", pgh_label="insert")
    assert sorted(events.values_list("name", flat=True)) == ["Kopie Eins", "Kopie Zwei"]
    assert set(events.values_list("pgh_obj_id", flat=True)) == set(
        Owner.objects.filter(name__startswith="Kopie ").values_list("pk", flat=True))
