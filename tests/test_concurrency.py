"""Optimistic locking under real concurrency: two database connections, one row, one version."""

import threading

import pytest
from django.db import connection, transaction

from tests.factories import InterventionFactory
from wellbeing.concurrency import EditConflict, save_versioned


@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_on_another_sees_its_version_and_is_refused(reference_data):
    intervention = InterventionFactory(title="Opened by two people")
    first_holds_lock = threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                row = type(intervention).objects.get(pk=intervention.pk)
                row.status = "paused"
                save_versioned(row, expected_version=1)
                first_holds_lock.set()
                # Keep the transaction (and its lock) open while the second save starts.
                threading.Event().wait(0.5)
            outcomes["first"] = "saved"
        finally:
            connection.close()

    def second() -> None:
        first_holds_lock.wait(5)
        try:
            with transaction.atomic():
                row = type(intervention).objects.get(pk=intervention.pk)
                row.status = "completed"
                save_versioned(row, expected_version=1)
            outcomes["second"] = "saved"
        except EditConflict as conflict:
            outcomes["second"] = f"conflict at version {conflict.current.version}"
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    intervention.refresh_from_db()
    assert outcomes == {"first": "saved", "second": "conflict at version 2"}
    assert (intervention.status, intervention.version) == ("paused", 2)
