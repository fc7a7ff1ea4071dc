import pghistory.middleware

from registry import history

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


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """Every write request's events share one history context: the user (id), the channel its URL
    belongs to (registry.history.CHANNELS) and the path. Reads open none. A token request's user is set
    later, by the view (accounts.tokens); pghistory's request class puts it into the context then."""

    def get_context(self, request):
        return {**super().get_context(request), "channel": history.channel_for(request.path_info)}

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        return super().__call__(request)
