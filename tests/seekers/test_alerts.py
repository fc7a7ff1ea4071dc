"""A published listing reaches the confirmed requests it fits: once, by e-mail, published listings only."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.seekers import jobs, services
from registry.seekers.models import Alert, SpaceRequest

from .conftest import links_in, path_of

pytestmark = pytest.mark.django_db
# The session database may hold other tests' committed alerts and queued jobs for the demo seekers (browser tests
# publish listings through the live server): every assertion looks at this test's seekers only.
OURS = {"lea@example.net", "max@example.net", "a@example.net", "b@example.net", "c@example.net", "d@example.net",
        "e@example.net"}


def outbox():
    return [message for message in mail.outbox if set(message.to) & OURS]


@pytest.fixture
def publish(build_unit):
    """An owner who consented publishes a listing for a new vacant unit (as the owner's area does: save())."""
    def run(unit=None, rent=Decimal("8.50"), **unit_fields):
        unit = unit or build_unit(**unit_fields)
        owner = Owner.objects.create(name="Olga Eigentümerin", email="olga@example.com",
                                     consent=Owner.Consent.CONSENTED,
                                     consent_date=datetime.date(2026, 1, 5))
        unit.owner = owner
        unit.save(update_fields=["owner"])
        return Listing.objects.create(unit=unit, slug=f"test-{unit.pk}", title=f"Ladenlokal Teststraße {unit.pk}",
                                      rent=rent, published=True)
    return run


@pytest.fixture
def seekers(make_request, quiet_town):
    def make(**fields):
        return make_request(centres=(), municipalities=[quiet_town.ags], **fields)
    return make


def test_immediate_alert_once_per_listing_and_request(seekers, publish, work_off_queue):
    lea = seekers(frequency="immediate", max_rent=Decimal(9))
    listing = publish()
    work_off_queue()
    assert [m.to for m in outbox()] == [["lea@example.net"]]
    body = outbox()[0].body
    assert listing.title in body and f"/angebote/{listing.slug}/" in body and "8,5 €/m²" in body
    assert "Olga" not in body and "olga@example.com" not in body  # never the owner
    assert any("/gesuche/abbestellen/" in url for url in links_in(outbox()[0]))
    # saved again, rent changed: still one alert for this pair, no second mail
    listing.rent = Decimal("8.90")
    listing.save()
    work_off_queue()
    assert len(outbox()) == 1 and Alert.objects.filter(request=lea, listing=listing).count() == 1


def test_daily_digest_waits_for_its_job(seekers, publish, work_off_queue):
    lea = seekers(frequency="daily")
    publish()
    publish()
    work_off_queue()
    assert not outbox() and Alert.objects.filter(request=lea, sent_at__isnull=True).count() == 2
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="send_digest").order_by("-enqueued_at").first()
    assert queued.run_after.hour == 5 or queued.run_after.hour == 6  # 07:00 Berlin
    jobs.send_digest.call("daily")
    assert len(outbox()) == 1 and outbox()[0].body.count("/angebote/test-") == 2
    jobs.send_digest.call("daily")
    assert len(outbox()) == 1


def test_only_confirmed_active_subscribed_requests_get_mail(seekers, publish, work_off_queue):
    seekers(state="unconfirmed", frequency="immediate", email="a@example.net")
    seekers(state="paused", frequency="immediate", email="b@example.net")
    seekers(frequency="immediate", email="c@example.net", alerts=False)
    seekers(frequency="immediate", email="d@example.net", consent_matches=False)
    seekers(frequency="immediate", email="e@example.net", min_area=Decimal(200), max_area=Decimal(300))
    publish()
    work_off_queue()
    assert not outbox() and not Alert.objects.filter(request__email__in=OURS).exists()


def test_unlisted_units_never_reach_a_seeker(seekers, build_unit, publish, work_off_queue):
    lea = seekers(frequency="immediate")
    unit = build_unit()  # vacant, fits, but not published
    unit.save()
    work_off_queue()
    assert not outbox()
    # a listing unpublished before the digest runs is left out of the digest
    lea.frequency = "daily"
    lea.save()
    listing = publish()
    work_off_queue()
    Listing.objects.filter(pk=listing.pk).update(published=False)
    jobs.send_digest.call("daily")
    assert not outbox()


def test_two_seekers_never_learn_of_each_other(seekers, publish, work_off_queue):
    seekers(frequency="immediate", name="Lea Gründerin", email="lea@example.net", phone="+49 30 23125 111")
    seekers(frequency="immediate", name="Max Bäcker", email="max@example.net", organisation="Backstube Max")
    publish()
    work_off_queue()
    assert sorted(m.to[0] for m in outbox()) == ["lea@example.net", "max@example.net"]
    others = {"lea@example.net": ["Max Bäcker", "max@example.net", "Backstube"],
              "max@example.net": ["Lea Gründerin", "lea@example.net", "23125 111"]}
    for message in outbox():
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert not [text for text in others[message.to[0]] if text in message.body + message.subject]


def test_unsubscribe_link(client, seekers, publish, work_off_queue):
    lea = seekers(frequency="immediate")
    publish()
    work_off_queue()
    url = next(u for u in links_in(outbox()[0]) if "/abbestellen/" in u)
    assert "abbestellen" in client.get(path_of(url)).content.decode()
    assert client.post(path_of(url)).status_code == 200
    assert SpaceRequest.objects.get(pk=lea.pk).alerts is False
    publish()
    work_off_queue()
    assert len(outbox()) == 1
    # a deleted request's unsubscribe link is void
    services.delete_personal_data(lea)
    assert client.get(path_of(url)).status_code == 404


def test_confirming_brings_the_listings_already_on_offer_once(client, seekers, publish, work_off_queue):
    """A seeker who confirms while fitting listings are already public hears of them at once: on the private page
    and in the confirmation e-mail; none of them is mailed again when its listing is saved later."""
    lea = seekers(state="unconfirmed", frequency="immediate")
    fitting = [publish(rent=Decimal("8.50")), publish(rent=None)]
    too_big = publish(floor_area=Decimal(400))
    hidden = publish()  # published, but the owner withdrew consent: not public
    hidden.unit.owner.consent = "refused"
    hidden.unit.owner.save()
    response = client.post(f"/gesuche/bestaetigen/{services.make_token(lea, 'confirm')}/", follow=True)
    page = response.content.decode()
    assert "Ihr Gesuch ist aktiv. 2 passende Angebote gibt es schon" in page
    assert 'id="matches-count">(2)' in page
    assert all(listing.title in page for listing in fitting) and too_big.title not in page
    [confirmation] = outbox()
    body = confirmation.body
    assert confirmation.subject == "Ihr Flächengesuch ist aktiv"
    assert "Schon jetzt passen 2 öffentliche Angebote zu Ihrem Gesuch:" in body
    for listing in fitting:
        assert listing.title in body and f"/angebote/{listing.slug}/" in body
    assert "8,5 €/m²" in body and too_big.title not in body and hidden.title not in body
    assert "Olga" not in body and "olga@example.com" not in body  # the owner, never
    assert any("/gesuche/abbestellen/" in url for url in links_in(confirmation))
    assert set(Alert.objects.filter(request=lea).values_list("listing_id", flat=True)) == {listing.pk for listing in fitting}
    assert not Alert.objects.filter(request=lea, sent_at__isnull=True).exists()
    # the jobs queued when they were published run now, and the listings are saved again: nothing more
    work_off_queue()
    for listing in fitting:
        listing.rent = Decimal("7.90")
        listing.save()
    work_off_queue()
    assert len(outbox()) == 1
    # a listing published afterwards is a new alert, with that listing alone
    newer = publish()
    work_off_queue()
    assert len(outbox()) == 2 and newer.title in outbox()[1].body
    assert not [listing for listing in fitting if listing.title in outbox()[1].body]


def test_confirming_without_fitting_listings_says_so(client, seekers):
    lea = seekers(state="unconfirmed")
    client.post(f"/gesuche/bestaetigen/{services.make_token(lea, 'confirm')}/")
    [confirmation] = outbox()
    assert "Zurzeit passt kein veröffentlichtes Angebot." in confirmation.body
    assert not Alert.objects.filter(request=lea).exists()


def test_confirming_without_consent_to_matches_mails_no_listing(client, seekers, publish):
    lea = seekers(state="unconfirmed", consent_matches=False)
    listing = publish()
    client.post(f"/gesuche/bestaetigen/{services.make_token(lea, 'confirm')}/")
    [confirmation] = outbox()
    assert listing.title not in confirmation.body and not Alert.objects.filter(request=lea).exists()
