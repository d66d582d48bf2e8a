from wellbeing.access import PERMISSIONS
from wellbeing.navigation import PENDING_SECTIONS, PLACE_SECTIONS, section_url_resolves


def test_every_built_section_resolves_and_every_pending_one_is_still_unbuilt():
    for _label, url_name, permission in PLACE_SECTIONS:
        assert permission in PERMISSIONS, f"{url_name} names an unknown permission {permission!r}"
        if url_name in PENDING_SECTIONS:
            assert not section_url_resolves(url_name), f"{url_name} exists now: remove it from PENDING_SECTIONS"
        else:
            assert section_url_resolves(url_name), f"{url_name} does not resolve: a typo, or still pending?"


def test_the_current_page_is_marked_as_the_page_and_its_section_as_current(client, cast):
    client.force_login(cast.a.place_admin)
    page = client.get("/places/place-a/members/").content.decode()
    assert 'href="/places/place-a/members/" aria-current="page"' in page
    assert 'href="/places/place-a/" aria-current' not in page


def test_the_organisations_directory_and_charters_are_marked_as_inside_partnerships(client, cast):
    client.force_login(cast.a.viewer)
    for path in ("/places/place-a/organisations/", "/places/place-a/charters/"):
        page = client.get(path).content.decode()
        assert 'href="/places/place-a/partnerships/" aria-current="true"' in page, path
        assert 'href="/places/place-a/interventions/" aria-current' not in page, path
