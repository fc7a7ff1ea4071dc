from django import template
from django.utils.formats import number_format

from registry.formats import format_rate, rate_percent

register = template.Library()


@register.filter
def percent(fraction, digits=1):
    """0.1234 → „12,3 %“: the register's one rate formatter (rounded half up, as on the map)."""
    return format_rate(fraction, int(digits))


@register.filter
def points(difference, digits=1):
    """A rate difference in percentage points, signed: +1,2 (rounded half up like the rates)."""
    if difference is None:
        return "–"
    value = rate_percent(abs(difference), int(digits))
    text = number_format(value, int(digits))
    return ("+" if difference > 0 else "−" if difference < 0 else "±") + text
