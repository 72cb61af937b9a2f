"""The suite's own rules: server tests are skipped where the server is missing, except in CI."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from kombu import Connection

POSTGRES_TEST = (
    "tests/funding/test_concurrency.py::"
    "test_two_representatives_declaring_at_once_cannot_overshoot_the_commitment"
)
REDIS_TEST = "tests/core/test_test_environment.py::test_broker_at_redis_url_round_trips_a_message"
NOWHERE = "redis://127.0.0.1:1/0"


@pytest.mark.redis
def test_broker_at_redis_url_round_trips_a_message():
    queue_name = f"regia-test-{uuid.uuid4().hex}"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.put({"report": 42})
            message = queue.get(timeout=2)
            message.ack()
            assert message.payload == {"report": 42}
        finally:
            queue.queue.delete()
            queue.close()


def run_server_tests(*, ci: bool) -> subprocess.CompletedProcess:
    """Run the two server tests in a fresh pytest, on SQLite and with Redis out of reach."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_") and name not in {"DATABASE_URL", "CI"}
    }
    env.update(REDIS_URL=NOWHERE, CI="true" if ci else "false")
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:xdist", POSTGRES_TEST, REDIS_TEST],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_server_tests_are_skipped_with_the_reason_when_servers_are_missing():
    result = run_server_tests(ci=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 skipped" in result.stdout
    assert "needs PostgreSQL (set DATABASE_URL)" in result.stdout
    assert f"needs Redis at {NOWHERE}" in result.stdout


def test_server_tests_fail_the_run_in_ci_when_servers_are_missing():
    result = run_server_tests(ci=True)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 error" in result.stdout
    assert "CI=true but this test needs PostgreSQL (set DATABASE_URL)" in result.stdout
    assert f"CI=true but this test needs Redis at {NOWHERE}" in result.stdout
