"""A place administrator finds the archive page from People and roles and downloads the archive.
axe runs on every page visited."""

import io
import json
import zipfile

import pytest

pytestmark = pytest.mark.browser


def test_place_admin_downloads_the_places_archive(browser_page, cast, tmp_path):
    page = browser_page.page
    browser_page.sign_in(cast.a.place_admin.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/members/", "people-and-roles")
    page.get_by_role("link", name="Download all of Place A's data as one archive").click()
    browser_page.check("place-archive")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download archive of Place A's data (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("place-a-archive-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        outcomes = archive.read("wellbeing.wellbeingoutcome.csv").decode()
    assert manifest["place"]["slug"] == "place-a"
    assert "Fair work for women in Place A" in outcomes and "Place B" not in outcomes
