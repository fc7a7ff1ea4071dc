"""The window poster "Diese Fläche ist frei": A4 PDF with photo, key facts, contact and a QR code."""

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from registry.formats import german_number

ACCENT = (0.043, 0.361, 0.557)


def make_poster(listing, url):
    unit = listing.unit
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=0)
    page.setTitle(f"Aushang: {listing.title}")
    width, height = A4
    page.setFillColorRGB(*ACCENT)
    page.rect(0, height - 5 * cm, width, 5 * cm, fill=1, stroke=0)
    page.setFillColorRGB(1, 1, 1)
    page.setFont("Helvetica-Bold", 40)
    page.drawCentredString(width / 2, height - 3.2 * cm, "Diese Fläche ist frei")
    page.setFillColorRGB(0, 0, 0)
    top = height - 6.2 * cm
    photo = listing.photos.first()
    if photo:
        image = ImageReader(photo.image.path)
        iw, ih = image.getSize()
        box_w, box_h = width - 4 * cm, 9 * cm
        scale = min(box_w / iw, box_h / ih)
        page.drawImage(image, (width - iw * scale) / 2, top - ih * scale, iw * scale, ih * scale)
        top -= box_h + 0.8 * cm
    page.setFont("Helvetica-Bold", 20)
    page.drawString(2 * cm, top, listing.title[:60])
    facts = [f"{unit.street} {unit.house_number}, {unit.postcode} {unit.town}"]
    if unit.floor_area:
        facts.append(f"Nutzfläche: {german_number(unit.floor_area, 0)} m²")
    if unit.frontage:
        facts.append(f"Schaufensterfront: {german_number(unit.frontage, 1)} m")
    facts.append(f"Geschoss: {unit.get_floor_display()}" + (" · barrierefrei" if unit.step_free else ""))
    if listing.rent:
        facts.append(f"Kaltmiete: {german_number(listing.rent, 2)} €/m²")
    if listing.available_from:
        facts.append(f"Verfügbar ab {listing.available_from:%d.%m.%Y}")
    page.setFont("Helvetica", 14)
    for index, line in enumerate(facts):
        page.drawString(2 * cm, top - (1 + index * 0.75) * cm, line)
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    page.drawImage(ImageReader(buffer), width - 8 * cm, 2 * cm, 6 * cm, 6 * cm)
    page.setFont("Helvetica-Bold", 13)
    page.drawString(2 * cm, 6.5 * cm, "Interesse? Alle Angaben und das Anfrageformular:")
    page.setFont("Helvetica", 10)
    page.drawString(2 * cm, 5.8 * cm, url)
    page.setFont("Helvetica", 12)
    page.drawString(2 * cm, 4.6 * cm, f"Ansprechpartner: Citymanagement {unit.municipality.name}")
    page.setFont("Helvetica", 8)
    page.drawString(2 * cm, 1.5 * cm, "Leerstandsregister Thüringen · Bündnis „Innenstädte mit Zukunft“")
    page.showPage()
    page.save()
    return out.getvalue()
