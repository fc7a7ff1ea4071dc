from .views import health


class HealthCheckMiddleware:
    """Answers /health/ before host validation and the HTTPS redirect: docker's healthcheck asks over
    plain http on 127.0.0.1, whatever ALLOWED_HOSTS holds. The answer names no host and no data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health/":
            return health(request)
        return self.get_response(request)
