import pytest

from tests.factories import make_appointment, make_session_type
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db


def test_staff_manage_session_types_and_see_appointments_read_only(client, sam, alice, dana):
    session_type = make_session_type(therapists=[dana.therapist])
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(9, 10), session_type=session_type
    )
    client.force_login(sam)
    assert client.get(f"/admin/scheduling/sessiontype/{session_type.pk}/change/").status_code == 200
    for model in ("weeklyavailability", "timeoff", "availabilityexception", "bookingrules"):
        assert client.get(f"/admin/scheduling/{model}/").status_code == 200
    page = client.get(f"/admin/scheduling/appointment/{appointment.pk}/change/")
    assert page.status_code == 200 and "Save" not in page.text
    assert client.get("/admin/scheduling/appointment/add/").status_code == 403
