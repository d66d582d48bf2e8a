import pytest


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_health_check_runs_a_celery_task_when_asked(client):
    # No REDIS_URL in the test settings: the task runs eagerly, in this process.
    assert client.get("/healthz/?celery=1").json() == {"status": "ok", "database": "ok", "celery": "ok"}
