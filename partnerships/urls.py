"""Partnerships' pages, by topic: the organisations directory, partnerships with their members and
delivery groups, and charters."""

from partnerships import charter_urls, organisation_urls, partnership_urls

app_name = "partnerships"

urlpatterns = [*organisation_urls.urlpatterns, *partnership_urls.urlpatterns, *charter_urls.urlpatterns]
