"""Occupancy histories 2019 → today: churn, short vacancies and a long tail of structural ones."""

import datetime

from registry.units.categories import Category, Subcategory
from registry.units.vacancy import Status

HISTORY_START = datetime.date(2019, 1, 1)

# Shares of the current vacancy stock by duration (the stock is weighted towards
# long vacancies, which is why flows look "many short ones" but stocks do not).
DURATION_BUCKETS = [(0.30, 14, 180), (0.18, 180, 365), (0.27, 365, 3 * 365), (0.25, 3 * 365, 12 * 365)]

CATEGORY_WEIGHTS = [
    (Category.RETAIL, 45), (Category.GASTRONOMY, 18), (Category.SERVICES, 17), (Category.HEALTH, 6),
    (Category.OFFICE, 5), (Category.CRAFT, 4), (Category.CULTURE, 3), (Category.OTHER, 2),
]
RETAIL_TYPES = [Subcategory.FOOD, Subcategory.FASHION, Subcategory.DRUGSTORE, Subcategory.BOOKS,
                Subcategory.ELECTRONICS, Subcategory.FURNISHING, Subcategory.RETAIL_OTHER]
SERVICE_TYPES = [Subcategory.HAIRDRESSER, Subcategory.BANK, Subcategory.TRAVEL, Subcategory.SERVICES_OTHER]


def pick_use(rng):
    category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]
    if category == Category.RETAIL:
        return category, rng.choice(RETAIL_TYPES)
    if category == Category.SERVICES:
        return category, rng.choice(SERVICE_TYPES)
    return category, ""


def _days(rng, low, high):
    return datetime.timedelta(days=rng.randint(low, high))


def _vacancy_duration(rng):
    roll, cumulative = rng.random(), 0.0
    for share, low, high in DURATION_BUCKETS:
        cumulative += share
        if roll <= cumulative:
            return _days(rng, low, high)
    return _days(rng, *DURATION_BUCKETS[-1][1:])


def history(rng, today, vacant_now, category):
    """A list of (status, category, valid_from, valid_to) ending in one open interval."""
    intervals = []
    if vacant_now:
        start = today - _vacancy_duration(rng)
        current = rng.choices(
            [Status.VACANT, Status.RESERVED, Status.LET_NOT_OPEN, Status.RENOVATION, Status.NOT_LETTABLE],
            [62, 10, 6, 8, 14],
        )[0]
        if current == Status.NOT_LETTABLE and (today - start).days < 365:
            current = Status.VACANT
        _occupied_before(rng, intervals, start, category)
        if current != Status.VACANT and (today - start).days > 60:
            switch = today - _days(rng, 10, min(400, (today - start).days - 30))
            intervals.append((Status.VACANT, "", start, switch))
            intervals.append((current, "", switch, None))
        else:
            intervals.append((current, "", start, None))
        return intervals
    if rng.random() < 0.04:  # interim use after a vacancy, often funded
        start = today - _days(rng, 30, 700)
        vacant_from = start - _vacancy_duration(rng)
        _occupied_before(rng, intervals, vacant_from, category)
        intervals.append((Status.VACANT, "", vacant_from, start))
        intervals.append((Status.INTERIM_USE, Category.CULTURE, start, None))
        return intervals
    # Churn: let again after a vacancy. Sized so that 2019's rate lands near the
    # IHK's ~21 % and rises to today's 27 % (mean spell ≈ 2.5 years over 7 years).
    if rng.random() < 0.65:
        reopened = today - _days(rng, 20, 7 * 365)
        vacant_from = reopened - (_days(rng, 30, 180) if rng.random() < 0.3 else _days(rng, 180, 2400))
        _occupied_before(rng, intervals, vacant_from, pick_use(rng)[0])
        intervals.append((Status.VACANT, "", vacant_from, reopened))
        intervals.append((Status.OCCUPIED, category, reopened, None))
        return intervals
    intervals.append((Status.OCCUPIED, category, HISTORY_START - _days(rng, 0, 3000), None))
    return intervals


def _occupied_before(rng, intervals, until, category):
    """Earlier use, starting before the history window (or a short earlier vacancy)."""
    first = min(HISTORY_START, until) - _days(rng, 200, 3000)
    if until - first > datetime.timedelta(days=900) and rng.random() < 0.15:
        gap_start = first + (until - first) / 3
        gap_end = gap_start + _days(rng, 30, 200)
        intervals.append((Status.OCCUPIED, pick_use(rng)[0], first, gap_start))
        intervals.append((Status.VACANT, "", gap_start, gap_end))
        first = gap_end
    intervals.append((Status.OCCUPIED, category, first, until))
