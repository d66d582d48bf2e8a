import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_health_check_reports_the_database_and_ignores_requests_to_probe_the_worker(client):
    # Public and cheap: it never queues a task, whatever the query string asks.
    for url in ("/healthz/", "/healthz/?celery=1"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_check_worker_runs_the_health_task(capsys):
    # No REDIS_URL in the test settings: the task runs eagerly, in this process.
    call_command("check_worker")
    assert "Worker eager answered" in capsys.readouterr().out
