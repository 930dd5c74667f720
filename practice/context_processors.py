from django.http import HttpRequest

from practice.models import PracticeSettings


def practice(request: HttpRequest) -> dict:
    return {"practice": PracticeSettings.load()}
