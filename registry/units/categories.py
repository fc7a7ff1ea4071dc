"""Usage categories: a small, stable first level compatible with LeAn practice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    RETAIL = "retail", _("Einzelhandel")
    GASTRONOMY = "gastronomy", _("Gastronomie")
    SERVICES = "services", _("Dienstleistung")
    CRAFT = "craft", _("Handwerk")
    HEALTH = "health", _("Gesundheit")
    CULTURE = "culture", _("Kultur/Bildung")
    OFFICE = "office", _("Büro/Verwaltung")
    RESIDENTIAL = "residential", _("Wohnen")
    OTHER = "other", _("Sonstiges")


class Subcategory(models.TextChoices):
    FOOD = "food", _("Lebensmittel")
    FASHION = "fashion", _("Bekleidung/Schuhe")
    DRUGSTORE = "drugstore", _("Drogerie/Apotheke")
    BOOKS = "books", _("Bücher/Schreibwaren")
    ELECTRONICS = "electronics", _("Elektronik")
    FURNISHING = "furnishing", _("Einrichtung")
    RETAIL_OTHER = "retail_other", _("Sonstiger Einzelhandel")
    HAIRDRESSER = "hairdresser", _("Friseur")
    BANK = "bank", _("Bank")
    TRAVEL = "travel", _("Reisebüro")
    SERVICES_OTHER = "services_other", _("Sonstige Dienstleistung")


# Which sub-types belong to which category; an empty set allows none.
SUBCATEGORIES = {
    Category.RETAIL: {
        Subcategory.FOOD,
        Subcategory.FASHION,
        Subcategory.DRUGSTORE,
        Subcategory.BOOKS,
        Subcategory.ELECTRONICS,
        Subcategory.FURNISHING,
        Subcategory.RETAIL_OTHER,
    },
    Category.SERVICES: {
        Subcategory.HAIRDRESSER,
        Subcategory.BANK,
        Subcategory.TRAVEL,
        Subcategory.SERVICES_OTHER,
    },
}


def subcategory_fits(category, subcategory):
    return not subcategory or subcategory in SUBCATEGORIES.get(category, set())
