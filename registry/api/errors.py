"""Errors as JSON: `{"error": "…", "parameters": {"<name>": ["…"]}}`, German first, never a stack trace."""

from django.http import JsonResponse


def error(status, message, parameters=None, headers=None, **extra):
    """The JSON error response; `extra`: further keys of the body (e.g. the filter's field `labels`)."""
    body = {"error": message}
    if parameters:
        body["parameters"] = parameters
    body.update(extra)
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class ApiError(Exception):
    """Raised anywhere below an API view; the view's wrapper turns it into the JSON error response."""

    def __init__(self, status, message, parameters=None, headers=None):
        super().__init__(message)
        self.status, self.message, self.parameters, self.headers = status, message, parameters, headers or {}

    def response(self):
        return error(self.status, self.message, self.parameters, self.headers)
