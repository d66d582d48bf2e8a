"""Celery tasks: thin wrappers, taking ids, over the services that do the work."""

from celery import shared_task

from interventions import gap_reports, importing


@shared_task(acks_late=True)
def import_check(job_pk: int) -> None:
    """Check a large uploaded spreadsheet (a dry run); the job records progress and the preview."""
    importing.import_job_check(job_pk=job_pk)


@shared_task(acks_late=True)
def import_commit(job_pk: int, user_pk: int) -> None:
    """Import a large spreadsheet already claimed for commit, all or nothing."""
    importing.import_job_commit_claimed(job_pk=job_pk, user_pk=user_pk)


@shared_task(acks_late=True)
def gap_report_build(report_pk: int) -> None:
    """Write a gap analysis report to a file; the report records progress, the file or the failure."""
    gap_reports.gap_report_build(report_pk=report_pk)
