"""A small Erfurt survey as offices write it (Windows-1252, `;`, decimal commas, UTM 32N) and how to import it."""

from django.core.management import call_command

HEADER = "Straße;Hausnr.;Nutzfläche;Verkaufsfläche;Status;leer seit;Nutzung;Eigentümer;Telefon;Rechtswert;Hochwert\n"
GOOD = [
    "Domplatz;99;120,5;80;leer;01.03.2024;Einzelhandel;Max Muster;0361 555 01;642200;5649400",
    "Marktstr.;201;1.250,0;;genutzt;;Gastronomie;;;642300;5649500",
    "Schlösserstraße;300 a;60;;in Verhandlung;15.08.2023;Dienstleistung;;;642250;5649450",
]


def survey(tmp_path, lines, name="erhebung.csv", encoding="cp1252"):
    path = tmp_path / name
    path.write_bytes((HEADER + "\n".join(lines) + "\n").encode(encoding))
    return path


def run(path, *extra, user="stadt-erfurt"):
    call_command("import_units", str(path), "--municipality", "16051000", "--user", user, "--no-input", *extra, verbosity=0)
