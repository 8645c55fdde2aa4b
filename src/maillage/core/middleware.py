from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """French unless the person chose otherwise.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not followed: the
    language is the one chosen with the switch (cookie), else the user's preference, else
    LANGUAGE_CODE (French).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supported = dict(settings.LANGUAGES)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
