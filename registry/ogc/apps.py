from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OgcConfig(AppConfig):
    name = "registry.ogc"
    verbose_name = _("OGC API – Features")
