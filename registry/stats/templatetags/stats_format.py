from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(fraction, digits=1):
    """0.1234 → „12,3 %“ (localised decimal separator)."""
    if fraction is None:
        return "–"
    return f"{number_format(fraction * 100, int(digits))} %"


@register.filter
def points(difference, digits=1):
    """A rate difference in percentage points, signed: +1,2."""
    if difference is None:
        return "–"
    text = number_format(abs(difference) * 100, int(digits))
    return ("+" if difference > 0 else "−" if difference < 0 else "±") + text
