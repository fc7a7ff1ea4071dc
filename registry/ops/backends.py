from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, for every login made through a web request (the login page, the admin).

    authenticate() without a request comes only from code on the server (the test client's login(),
    the shell); axes would refuse those outright, we let the next backend decide."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
