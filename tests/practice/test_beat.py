"""Beat names its tasks by string (practice/ imports no domain app), so a name must stay true."""

from practice.celery import app, schedule_periodic_tasks


def test_every_task_beat_runs_is_one_a_worker_registers():
    app.autodiscover_tasks(force=True)  # what a worker does when it starts
    schedule_periodic_tasks(app)
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "scheduling.tasks.schedule_therapist_agendas_task" in names
    assert names <= set(app.tasks), names - set(app.tasks)
