"""Vacancy is an interval: the history and the current status never disagree."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from registry.units import services
from registry.units.models import Occupancy, Unit
from registry.units.vacancy import Status

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def shop(users, erfurt_market):
    return services.create_unit(
        users["stadt-erfurt"], street="Anger", house_number="7", location=erfurt_market,
        status=Status.OCCUPIED, since=days_ago(900),
    )


def test_a_status_change_closes_the_open_interval_and_opens_a_new_one(users, shop):
    unit = services.change_status(users["stadt-erfurt"], shop.pk, shop.version, Status.VACANT, days_ago(100))
    intervals = list(unit.intervals.order_by("valid_from").values_list("status", "valid_from", "valid_to"))
    assert intervals == [("occupied", days_ago(900), days_ago(100)), ("vacant", days_ago(100), None)]
    assert unit.status == Status.VACANT
    assert unit.vacant_since == days_ago(100)


def test_vacant_since_spans_the_whole_spell_through_reserved_and_let_not_open(users, shop):
    unit = services.change_status(users["stadt-erfurt"], shop.pk, shop.version, Status.VACANT, days_ago(400))
    unit = services.change_status(users["stadt-erfurt"], unit.pk, unit.version, Status.RESERVED, days_ago(60))
    unit = services.change_status(users["stadt-erfurt"], unit.pk, unit.version, Status.LET_NOT_OPEN, days_ago(10))
    assert unit.status == Status.LET_NOT_OPEN
    assert unit.vacant_since == days_ago(400)
    assert unit.vacancy_days == 400


def test_letting_the_unit_ends_the_vacancy(users, shop):
    unit = services.change_status(users["stadt-erfurt"], shop.pk, shop.version, Status.VACANT, days_ago(50))
    unit = services.change_status(users["stadt-erfurt"], unit.pk, unit.version, Status.OCCUPIED, days_ago(5),
                                  category="gastronomy")
    assert unit.status == Status.OCCUPIED
    assert unit.vacant_since is None
    assert unit.intervals.get(valid_to__isnull=True).category == "gastronomy"


def test_a_change_dated_before_the_current_status_is_refused(users, shop):
    with pytest.raises(ValidationError) as refused:
        services.change_status(users["stadt-erfurt"], shop.pk, shop.version, Status.VACANT, days_ago(2000))
    assert "on_date" in refused.value.message_dict
    assert shop.intervals.count() == 1


def test_overlapping_intervals_are_refused_by_validation_and_by_the_database(shop):
    overlapping = Occupancy(unit=shop, status=Status.VACANT, valid_from=days_ago(950), valid_to=days_ago(800))
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "überschneidet sich" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()
    assert shop.intervals.count() == 1


def test_writing_the_status_column_directly_cannot_contradict_the_history(shop):
    Unit.objects.filter(pk=shop.pk).update(status=Status.VACANT)
    shop.refresh_from_db()
    assert shop.status == Status.OCCUPIED


def test_a_unit_without_a_current_interval_is_refused_at_commit(shop):
    with pytest.raises(IntegrityError, match="keinen aktuellen Status"), transaction.atomic():
        shop.intervals.update(valid_to=TODAY)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_changes_record_who_and_when(users, shop):
    unit = services.change_status(users["stadt-erfurt"], shop.pk, shop.version, Status.VACANT, days_ago(1),
                                  note="Mieter ausgezogen")
    latest = unit.intervals.get(valid_to__isnull=True)
    assert latest.recorded_by == users["stadt-erfurt"]
    assert latest.note == "Mieter ausgezogen"
    assert unit.updated_by == users["stadt-erfurt"]
    assert unit.version == shop.version + 1
