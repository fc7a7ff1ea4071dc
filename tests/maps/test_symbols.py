"""Status symbols stay apart for people with colour-vision deficiencies: every status has its own shape, and the
statuses that count as vacant (one orange/brown family) differ in lightness under a simulation of protanopia,
deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009, severity 1.0, applied in linear sRGB)."""

from itertools import combinations

import pytest

from registry.units.vacancy import STATUS_STYLE, VACANT_STATUSES

MACHADO = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
}
MIN_LIGHTNESS_STEP = 8  # CIE L* units between any two vacant-family symbols


def linear(channel):
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lightness(hex_colour, matrix):
    rgb = [linear(int(hex_colour[i:i + 2], 16)) for i in (1, 3, 5)]
    r, g, b = (min(1, max(0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix)
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


def test_every_status_has_its_own_shape():
    shapes = [style["shape"] for style in STATUS_STYLE.values()]
    assert len(set(shapes)) == len(shapes)


@pytest.mark.parametrize("vision", list(MACHADO))
def test_vacant_statuses_differ_in_lightness(vision):
    values = {status: lightness(STATUS_STYLE[status]["colour"], MACHADO[vision]) for status in VACANT_STATUSES}
    close = [(a.value, b.value, round(abs(values[a] - values[b]), 1)) for a, b in combinations(values, 2)
             if abs(values[a] - values[b]) < MIN_LIGHTNESS_STEP]
    assert close == []
