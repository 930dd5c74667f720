import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.practice.processes import Sink, free_port


@pytest.fixture
def sink():
    handler = Sink()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def shared_broker():
    """The suite's own Redis database number, emptied before and after."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.fail(
            "worker tests need CELERY_BROKER_URL to be a Redis URL: run them with `make test`"
        )
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
