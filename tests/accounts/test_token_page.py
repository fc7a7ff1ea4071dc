import pytest

from registry.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_user_creates_sees_once_and_revokes_a_token(client, users):
    client.force_login(users["analyst"])
    page = client.post("/konto/tokens/", {"name": "QGIS Büro"}).content.decode()
    token = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.startswith("lr_")
    assert client.get("/api/units.csv", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listing = client.get("/konto/tokens/").content.decode()
    assert "QGIS Büro" in listing and token not in listing
    record = ApiToken.objects.get(user=users["analyst"], name="QGIS Büro")
    client.post(f"/konto/tokens/{record.pk}/widerrufen/")
    assert client.get("/api/units.csv", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_nobody_revokes_someone_elses_token(client, users):
    from registry.accounts.tokens import create_token

    create_token(users["analyst"], "fremd")
    record = ApiToken.objects.get(user=users["analyst"], name="fremd")
    client.force_login(users["stadt-jena"])
    client.post(f"/konto/tokens/{record.pk}/widerrufen/")
    record.refresh_from_db()
    assert record.revoked_at is None


def test_the_token_page_needs_a_login(client):
    assert client.get("/konto/tokens/").status_code == 302
