"""A place's archive for its administrator: a page saying what it holds, and the download
(wellbeing/place_archive.py builds it; `manage.py restore_place` restores it)."""

import tempfile

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from wellbeing.access import place_view
from wellbeing.models import Place
from wellbeing.place_archive import place_archive_filename, place_archive_write

# Kept in memory up to this size, then in a temporary file: a large place never fills the memory.
IN_MEMORY_BYTES = 16 * 1024 * 1024


@place_view("place.export")
@never_cache
def place_archive(request: HttpRequest, place: Place) -> HttpResponse:
    return render(request, "wellbeing/place_archive.html", {"filename": place_archive_filename(place)})


@place_view("place.export")
@never_cache  # personal data: never kept by a browser or a shared cache (private, no-store)
def place_archive_download(request: HttpRequest, place: Place) -> FileResponse:
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - FileResponse closes it
    place_archive_write(place=place, file=file)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=place_archive_filename(place), content_type="application/zip"
    )
