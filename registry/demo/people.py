"""Clearly fake but well-formed owners and the demo accounts (password `demo`)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registry.accounts.models import Profile, Role
from registry.owners.models import Owner
from registry.places.models import Municipality

FIRST_NAMES = ["Anna", "Bernd", "Claudia", "Dieter", "Elke", "Frank", "Gabi", "Heiko", "Ines", "Jörg",
               "Katrin", "Lutz", "Monika", "Norbert", "Petra", "Ralf", "Sabine", "Thomas", "Ute", "Volker"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
              "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
              "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann"]
COMPANY_FORMS = ["Immobilien GmbH", "Grundbesitz GmbH & Co. KG", "Hausverwaltung GbR", "Objekt KG"]
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

# Fictional numbers: the Bundesnetzagentur keeps 030 23125 xxx free for film and fiction.
PHONE_PREFIX = "+49 30 23125 "

DEMO_ACCOUNTS = {
    "admin": {"superuser": True},
    "stadt-erfurt": {"role": Role.CITY_MANAGER, "municipalities": ["16051000"]},
    "stadt-jena": {"role": Role.CITY_MANAGER, "municipalities": ["16053000"]},
    "stadt-weimar": {"role": Role.CITY_MANAGER, "municipalities": ["16055000"]},
    "analyst": {"role": Role.ANALYST},
    "eigentuemer": {"role": Role.OWNER},
}
DEMO_PASSWORD = "demo"


def fake_owner(rng, index, town, postcode):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    kind = rng.choices(
        [Owner.Type.PRIVATE, Owner.Type.COMPANY, Owner.Type.PUBLIC, Owner.Type.CHURCH, Owner.Type.UNKNOWN],
        [55, 30, 5, 3, 7],
    )[0]
    organisation = ""
    if kind == Owner.Type.COMPANY:
        organisation = f"{last} {rng.choice(COMPANY_FORMS)}"
    elif kind == Owner.Type.PUBLIC:
        organisation = f"Stadt {town}"
    elif kind == Owner.Type.CHURCH:
        organisation = f"Ev. Kirchengemeinde {town}"
    local = f"{first}.{last}".translate(UMLAUTS).lower()
    domain = "example.org" if index % 2 else "example.com"
    return Owner(
        name=f"{first} {last}",
        organisation=organisation,
        owner_type=kind,
        phone=f"{PHONE_PREFIX}{index % 1000:03d}",
        email=f"{local}.{index}@{domain}",
        postal_address=f"{rng.choice(['Lindenweg', 'Ahornstraße', 'Feldweg', 'Am Hang'])} "
                       f"{rng.randint(1, 60)}, {postcode} {town}",
        consent=rng.choices(
            [Owner.Consent.UNKNOWN, Owner.Consent.ASKED, Owner.Consent.REFUSED], [60, 25, 15]
        )[0],
    )


def demo_accounts():
    """Create the demo accounts (roles and towns reset, passwords only when new); returns them by username."""
    users = {}
    User = get_user_model()
    for username, spec in DEMO_ACCOUNTS.items():
        user, created = User.objects.get_or_create(username=username)
        user.is_superuser = user.is_staff = spec.get("superuser", False)
        if spec.get("role") == Role.CITY_MANAGER:
            user.is_staff = True  # city managers use the admin for their own municipalities
        user.email = f"{username}@example.org"
        if created or not user.has_usable_password():
            # never reset a password someone chose: a demo loaded again (or by mistake on a real
            # installation) must not turn "admin" back into admin/demo
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=spec["role"])] if "role" in spec else [])
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.municipalities.set(Municipality.objects.filter(ags__in=spec.get("municipalities", [])))
        users[username] = user
    return users
