"""Errors under /api/ answer in JSON, the server's own faults included: DRF hands an exception it does
not know (a bug, the database gone) back to Django, whose 500 page is HTML a client cannot read.
The handler of every DRF view (settings: REST_FRAMEWORK["EXCEPTION_HANDLER"]), the schema's too."""

from django.core import signals
from django.utils.log import log_response
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

SERVER_ERROR = "A server error occurred."


def api_exception_handler(exc: Exception, context: dict) -> Response:
    response = exception_handler(exc, context)
    if response is not None:  # DRF's own: 401, 403, 404, 405, 400 …
        return response
    set_rollback()
    response = Response({"detail": SERVER_ERROR}, status=500)
    # What Django does with an uncaught exception (django.core.handlers.exception), so nothing is
    # lost by answering here: error reporters hear of it, and django.request logs the traceback once.
    request = context["request"]._request
    signals.got_request_exception.send(sender=None, request=request)
    log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=exc)
    return response
