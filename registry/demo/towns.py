"""Sizing of the demo towns, from domain.md: units per centre class and target vacancy rates."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CENTRES_CSV = Path(settings.BASE_DIR) / "geodata" / "town_centres_approx.csv"

# class: (units, polygon radius in metres)
CLASSES = {
    "oberzentrum": (600, 650),  # Erfurt
    "gross": (350, 480),  # Jena, Weimar
    "mittel": (300, 420),
    "klein": (120, 300),
    "sehr_klein": (90, 230),
}

TOWN_CLASS = {
    "16051000": "oberzentrum",
    "16053000": "gross", "16055000": "gross",
    "16052000": "mittel", "16067029": "mittel", "16056000": "mittel", "16062041": "mittel",
    "16064046": "mittel", "16054000": "mittel", "16077001": "mittel",
    "16069024": "sehr_klein", "16077043": "sehr_klein", "16065003": "sehr_klein",
}

# IHK 2022: lowest in Erfurt, Jena, Weimar, Hildburghausen; above 30 % in Gera and
# the districts Altenburger Land, Kyffhäuser, Sömmerda, Saale-Orla, Unstrut-Hainich.
TARGET_RATE = {
    "16051000": 0.12, "16053000": 0.11, "16055000": 0.13, "16069024": 0.14,
    "16052000": 0.34, "16077001": 0.33, "16077043": 0.35, "16065003": 0.34, "16065067": 0.32,
    "16068051": 0.31, "16075085": 0.31, "16064046": 0.31, "16064003": 0.30,
    "16067029": 0.22, "16056000": 0.23, "16062041": 0.27, "16054000": 0.28,
}
def default_rate(ags):
    """Small towns: 25–37 %, fixed per town so that they differ from each other."""
    return 0.25 + (int(ags[-3:]) % 13) / 100

POSTCODES = {
    "16051000": "99084", "16053000": "07743", "16055000": "99423", "16052000": "07545",
    "16067029": "99867", "16056000": "99817", "16062041": "99734", "16064046": "99974",
    "16054000": "98527", "16077001": "04600", "16070029": "98693", "16070004": "99310",
    "16073077": "07318", "16066042": "98617", "16072018": "96515", "16071001": "99510",
    "16065067": "99706", "16073076": "07407", "16064003": "99947", "16076022": "07973",
    "16066063": "98574", "16068051": "99610", "16061045": "37308", "16075085": "07381",
    "16063003": "36433", "16069024": "98646", "16077043": "04626", "16065003": "06567",
}

STREETS = {
    "16051000": ["Anger", "Schlösserstraße", "Marktstraße", "Fischmarkt", "Domplatz", "Michaelisstraße",
                 "Johannesstraße", "Bahnhofstraße", "Regierungsstraße", "Krämerbrücke", "Meienbergstraße",
                 "Futterstraße", "Lange Brücke", "Allerheiligenstraße", "Wenigemarkt", "Kreuzgasse",
                 "Pergamentergasse", "Juri-Gagarin-Ring", "Neuwerkstraße", "Grafengasse", "Löberstraße",
                 "Junkersand", "Mainzerhofstraße", "Hirschlachufer"],
    "16053000": ["Johannisstraße", "Leutragraben", "Löbderstraße", "Markt", "Wagnergasse", "Holzmarkt",
                 "Saalstraße", "Unterm Markt", "Oberlauengasse", "Kollegiengasse", "Rathausgasse",
                 "Neugasse", "Jenergasse", "Grietgasse"],
    "16055000": ["Schillerstraße", "Frauentorstraße", "Markt", "Theaterplatz", "Kaufstraße", "Wielandplatz",
                 "Herderplatz", "Marktstraße", "Windischenstraße", "Rittergasse", "Teichgasse",
                 "Eisfeld", "Graben", "Geleitstraße"],
}
GENERIC_STREETS = [
    "Marktstraße", "Bahnhofstraße", "Hauptstraße", "Lange Straße", "Kirchstraße", "Schulstraße",
    "Am Markt", "Steinweg", "Töpfergasse", "Rathausstraße", "Breite Straße", "Kornmarkt", "Holzmarkt",
    "Obere Marktstraße", "Untere Marktstraße", "Badergasse", "Brunnengasse", "Schlossstraße",
    "Burgstraße", "Neustadt", "Kirchplatz", "Gartenstraße", "Poststraße", "Mühlgasse",
]


@dataclass(frozen=True)
class Town:
    name: str
    municipality: str
    ags: str
    lat: float
    lon: float

    @property
    def size_class(self):
        return TOWN_CLASS.get(self.ags, "klein")

    @property
    def unit_count(self):
        return CLASSES[self.size_class][0]

    @property
    def radius(self):
        return CLASSES[self.size_class][1]

    @property
    def target_rate(self):
        return TARGET_RATE.get(self.ags) or default_rate(self.ags)

    @property
    def streets(self):
        return STREETS.get(self.ags, GENERIC_STREETS)

    @property
    def postcode(self):
        return POSTCODES.get(self.ags, "")


def towns():
    with open(CENTRES_CSV, encoding="utf-8") as handle:
        return [
            Town(row["name"], row["municipality"], row["ags"], float(row["lat"]), float(row["lon"]))
            for row in csv.DictReader(handle)
        ]
