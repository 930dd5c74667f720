"""Seed the bench database at a busy practice's size, in bulk SQL (seconds, not minutes).

The demo seed (`seed_demo`) lays the ground: practice settings, the intake questionnaire, the
consent documents, session types, the demo staff member and three therapists. On top of it come
the volumes, each one `INSERT ... SELECT` over `generate_series`, written through
`insert_select`, which fills every column the bench does not name with the field's own default:
a field added to a model later breaks the seed only if it is required and has no default, and
then with a message that says which.

People and rows are numbered: client n is `client<n>@example.org`. Clients 1 to `in_care` have
sessions (a therapist's caseload each), signatures and a contact choice; clients 1 to `intakes`
have an intake (one per person, as the model allows); the rest of the accounts have only
messages.
"""

import io
import json
import math
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

CLIENT_ZONES = ["America/Denver"] * 6 + ["America/Chicago", "America/Phoenix", "America/New_York"]
FIRST_NAMES = ["Avery", "Blake", "Casey", "Dana", "Emery", "Finley", "Gray", "Harper", "Indy"]
LAST_NAMES = ["Nguyen", "Garcia", "Smith", "Patel", "Kim", "Lopez", "Brown", "Cohen", "Ward"]
# Local start hours of past sessions (five a day) and of future ones (three a day, so the
# hours between stay open on the slot page).
PAST_HOURS = [9, 10, 11, 13, 14]
FUTURE_HOURS = [9, 11, 14]
FUTURE_WEEKS = 8
# Answer patterns: intake n answers like pattern n mod PATTERNS (screener totals vary).
PATTERNS = 8
TEMPLATES = [
    "appointment_reminder",
    "appointment_reminder",
    "appointment_reminder",
    "appointment_confirmation",
    "appointment_cancelled",
    "appointment_rescheduled",
    "intake_nudge",
    "therapist_agenda",
]


@dataclass(frozen=True)
class Size:
    """How big the practice is; `scaled` shrinks everything for quick development runs."""

    therapists: int = 20
    in_care: int = 5_000
    intakes: int = 10_000
    past_appointments: int = 40_000
    messages: int = 100_000
    # The staff pages' size: client accounts and messages grow to these.
    large_clients: int = 55_000
    large_messages: int = 500_000

    def scaled(self, factor: float) -> "Size":
        def scale(number: int) -> int:
            return max(20, math.ceil(number * factor))

        return Size(
            therapists=self.therapists,
            in_care=scale(self.in_care),
            intakes=scale(self.intakes),
            past_appointments=scale(self.past_appointments),
            messages=scale(self.messages),
            large_clients=scale(self.large_clients),
            large_messages=scale(self.large_messages),
        )

    @property
    def accounts(self) -> int:
        return max(self.in_care, self.intakes)


@dataclass
class Cast:
    """The people and records the pages are measured with."""

    staff: Any
    therapist: Any
    session_type: Any  # one new clients may book
    client: Any  # in care: sessions past and ahead, a sent intake, signatures
    drafting_client: Any  # an intake in progress
    submission: Any  # a sent intake with answers and scores
    client_ids: list[int]
    therapist_ids: list[int]


def insert_select(
    model: type[models.Model], rows: str, values: dict[str, str], **params: Any
) -> int:
    """INSERT INTO model's table SELECT `values` FROM `rows`; returns the number of rows.

    `values` maps field names to SQL over `rows` (named parameters `%(name)s` from `params`;
    write `mod()`, not `%`). Other fields get their default, now() if automatic, or NULL.
    """
    meta = model._meta
    columns, expressions = [], []
    for field in meta.concrete_fields:
        if field.name in values:
            expression = values[field.name]
        elif field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expression = "now()"
        elif field.has_default() or (field.empty_strings_allowed and not field.null):
            name = f"default_{field.column}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            expression = f"%({name})s"
        elif field.null:
            continue
        else:
            raise ImproperlyConfigured(
                f"bench/seed.py does not fill {meta.label}.{field.name}, which has no default: "
                "give it a value where that model is seeded."
            )
        columns.append(connection.ops.quote_name(str(field.column)))
        expressions.append(expression)
    unknown = set(values) - {field.name for field in meta.concrete_fields}
    if unknown:
        raise ImproperlyConfigured(f"{meta.label} has no field {', '.join(sorted(unknown))}")
    # Table and column names come from the model, the expressions from this module: no input.
    insert = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)})"
    select = f"SELECT {', '.join(expressions)} FROM {rows}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{insert} {select} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def unnest(alias: str, rows: list[tuple], **columns: str) -> tuple[str, dict[str, list]]:
    """Python rows as a table for `insert_select`: `unnest(...) AS alias(columns)` and its
    parameters; `columns` names each column of the rows with its SQL type, in order."""
    names = list(columns)
    params = {f"{alias}_{name}": [row[n] for row in rows] for n, name in enumerate(names)}
    arrays = ", ".join(f"%({alias}_{name})s::{sql_type}[]" for name, sql_type in columns.items())
    return f"unnest({arrays}) AS {alias}({', '.join(names)})", params


def seed(size: Size, say) -> Cast:
    """Seed the first size; returns who the pages are measured as."""
    from practice.models import User

    call_command("seed_demo", stdout=io.StringIO())
    staff = User.objects.get(email="staff@example.org")
    therapist_ids = _therapists(size.therapists)
    _second_factor([staff.pk, *User.objects.filter(role="therapist").values_list("pk", flat=True)])
    client_ids = add_clients(1, size.accounts)
    say(f"  {size.therapists} therapists, {size.accounts:,} client accounts")
    past, future = _appointments(therapist_ids, client_ids[: size.in_care], size)
    say(f"  {past:,} past and {future:,} upcoming appointments")
    intakes, answers = _intakes(client_ids[: size.intakes], therapist_ids, staff)
    say(f"  {intakes:,} intakes with {answers:,} answers and their screener scores")
    signatures = _consent(client_ids[: size.in_care])
    say(f"  {signatures:,} consent signatures and contact choices")
    messages = add_messages(1, size.messages, client_ids)
    say(f"  {messages:,} messages, {_inbound_texts(client_ids):,} texts received")
    say(f"  {_audit(staff):,} audit entries")
    return _cast(staff, therapist_ids, client_ids, size.in_care)


def grow(size: Size, cast: Cast, say) -> None:
    """Grow client accounts and messages to the staff pages' size."""
    before = len(cast.client_ids)
    cast.client_ids = add_clients(before + 1, size.large_clients)
    added = add_messages(size.messages + 1, size.large_messages, cast.client_ids)
    say(f"  +{len(cast.client_ids) - before:,} client accounts, +{added:,} messages")


def analyze() -> None:
    """Fresh statistics and visibility maps, as autovacuum would give a running practice."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _therapists(count: int) -> list[int]:
    """The demo's therapists and bench therapists up to `count`, each with weekday hours."""
    from practice.models import Therapist, User
    from scheduling.models import BookingRules, SessionType, WeeklyAvailability

    session_types = list(SessionType.objects.all())
    existing = Therapist.objects.count()
    for n in range(existing + 1, count + 1):
        user = User.objects.create_user(
            f"therapist{n}@example.org",
            role=User.Role.THERAPIST,
            first_name="Bench",
            last_name=f"Therapist {n}",
        )
        therapist = Therapist.objects.create(
            user=user,
            slug=f"bench-therapist-{n}",
            public_name=f"Bench Therapist {n}",
            credentials="PhD, Licensed Psychologist",
            bio="Cognitive behavioral therapy for anxiety, OCD and insomnia. " * 6,
            approaches="CBT, ACT, Exposure and response prevention",
            specialties="Anxiety, OCD, Insomnia, Panic",
        )
        WeeklyAvailability.objects.bulk_create(
            WeeklyAvailability(therapist=therapist, weekday=day, start=time(9), end=time(17))
            for day in range(5)
        )
        BookingRules.objects.create(therapist=therapist)
        therapist.session_types.add(*session_types)
    # Bench therapists first: their hours and history are the ones the pages are measured on.
    by_pk = Therapist.objects.order_by("pk")
    bench = list(by_pk.filter(slug__startswith="bench-").values_list("pk", flat=True))
    return bench + list(by_pk.exclude(pk__in=bench).values_list("pk", flat=True))


def _second_factor(user_ids: list[int]) -> None:
    """An authenticator app for these people: the second factor their pages require."""
    from allauth.mfa.models import Authenticator

    from practice.mfa import MFAAdapter

    secret = MFAAdapter().encrypt("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    Authenticator.objects.bulk_create(
        Authenticator(user_id=pk, type=Authenticator.Type.TOTP, data={"secret": secret})
        for pk in user_ids
    )


def add_clients(first: int, last: int) -> list[int]:
    """Client accounts first..last; returns the ids of clients 1..last in order."""
    from practice.models import User

    if last >= first:
        insert_select(
            User,
            "generate_series(%(first)s, %(last)s) AS n",
            {
                "email": "'client' || n || '@example.org'",
                "password": "'!bench-unusable'",
                "first_name": "(%(first_names)s::text[])[1 + mod(n, 9)]",
                "last_name": "(%(last_names)s::text[])[1 + mod(n / 9, 9)]",
                "role": "'client'",
                "time_zone": "(%(zones)s::text[])[1 + mod(n, 9)]",
                "mobile_phone": "'+1970555' || lpad(mod(n, 10000)::text, 4, '0')",
                "date_joined": "now() - make_interval(days => mod(n, 730) + 1)",
            },
            first=first,
            last=last,
            first_names=FIRST_NAMES,
            last_names=LAST_NAMES,
            zones=CLIENT_ZONES,
        )
    ids = User.objects.filter(email__regex=r"^client[0-9]+@example\.org$").values_list(
        "email", "pk"
    )
    by_number = {int(email[6:].split("@")[0]): pk for email, pk in ids}
    return [by_number[n] for n in range(1, last + 1)]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _appointments(therapist_ids: list[int], client_ids: list[int], size: Size) -> tuple[int, int]:
    """Past sessions (five a weekday) and the next weeks' (three a weekday), per caseload."""
    from practice.models import Therapist
    from scheduling.models import Appointment, SessionType

    session_type = SessionType.objects.filter(duration=timedelta(minutes=50)).first()
    session_type = session_type or SessionType.objects.get(name="First session")
    per_therapist = math.ceil(size.past_appointments / len(therapist_ids))
    caseload = max(1, len(client_ids) // len(therapist_ids))
    today = timezone.localdate()
    common = {
        "therapist": "t.id",
        "client": "(%(clients)s::bigint[])[1 + (t.ord - 1) * %(caseload)s + mod(k, %(caseload)s)]",
        "session_type": "%(session_type)s",
        "starts_at": "s.starts_at",
        "ends_at": "s.starts_at + %(duration)s",
    }
    # Session k of each therapist: on weekday k / per_day counted from `monday`'s week (back
    # for the past, ahead for the future), at local hour hours[k mod per_day] in their zone.
    slots = """
        unnest(%(therapists)s::bigint[], %(zones)s::text[]) WITH ORDINALITY AS t(id, zone, ord),
        generate_series(0, %(per)s - 1) AS k,
        LATERAL (SELECT ((%(monday)s::date + %(sign)s * 7 * (k / %(per_day)s / 5 + %(offset)s)
                          + mod(k / %(per_day)s, 5))
                         + make_time((%(hours)s::int[])[1 + mod(k, %(per_day)s)], 0, 0))
                        AT TIME ZONE t.zone AS starts_at) AS s
    """
    zones = dict(Therapist.objects.values_list("pk", "time_zone"))
    params = {
        "therapists": therapist_ids,
        "zones": [zones[pk] for pk in therapist_ids],
        "clients": client_ids,
        "caseload": caseload,
        "session_type": session_type.pk,
        "duration": session_type.duration,
    }
    past = insert_select(
        Appointment,
        slots,
        {
            **common,
            "status": "CASE mod(k * 7 + t.ord, 20) WHEN 0 THEN 'no_show' WHEN 1 THEN 'cancelled'"
            " WHEN 2 THEN 'late_cancelled' ELSE 'attended' END",
            "cancelled_at": "CASE WHEN mod(k * 7 + t.ord, 20) IN (1, 2) "
            "THEN s.starts_at - interval '1 day' END",
            "booked_at": "s.starts_at - interval '14 days'",
            "created_at": "s.starts_at - interval '14 days'",
        },
        **params,
        per=per_therapist,
        per_day=len(PAST_HOURS),
        hours=PAST_HOURS,
        monday=_monday(today),
        sign=-1,
        offset=1,
    )
    # Upcoming sessions: the rest of this week and the weeks after it.
    future = insert_select(
        Appointment,
        slots + " WHERE s.starts_at > now()",
        {
            **common,
            "status": "'booked'",
            "booked_at": "now() - interval '7 days'",
        },
        **params,
        per=FUTURE_WEEKS * 5 * len(FUTURE_HOURS),
        per_day=len(FUTURE_HOURS),
        hours=FUTURE_HOURS,
        monday=_monday(today),
        sign=1,
        offset=0,
    )
    return past, future


def _answer_patterns() -> tuple[
    list[tuple[int, int, int, str]], list[tuple[int, str, int, str, bool]]
]:
    """Answers (pattern, question, page, JSON value) and screener scores (pattern, instrument,
    total, severity, item 9) for each pattern, as the intake stores and scores them."""
    from intake.models import Question, QuestionnaireVersion
    from intake.screeners import INSTRUMENTS

    version = QuestionnaireVersion.objects.current_intake()
    questions = list(
        Question.objects.filter(section__version=version)
        .select_related("section")
        .order_by("section__position", "section__pk", "position", "pk")
    )
    pages = {
        section: page
        for page, section in enumerate(dict.fromkeys(q.section_id for q in questions), start=1)
    }
    answers, scores = [], []
    for pattern in range(PATTERNS):
        by_key: dict[str, object] = {}
        for number, question in enumerate(questions):
            value = _answer(question, pattern, number)
            by_key[question.key] = value
            answers.append((pattern, question.pk, pages[question.section_id], json.dumps(value)))
        for code, instrument in INSTRUMENTS.items():
            score = instrument.score_answers(by_key)
            if score is not None:
                scores.append((pattern, code, score.total, score.severity, score.item9_positive))
    return answers, scores


def _answer(question, pattern: int, number: int) -> object:
    kind = question.Kind
    if question.kind == kind.FREQUENCY:
        # Item 9 of the PHQ-9 is above "Not at all" in one pattern of eight.
        if question.key == "phq9_9":
            return 1 if pattern == PATTERNS - 1 else 0
        return (pattern + number) % 4 if pattern % 2 else (pattern * number) % 3
    if question.kind == kind.YES_NO:
        return False
    if question.kind == kind.SINGLE_CHOICE:
        return question.choices[pattern % len(question.choices)]
    if question.kind == kind.MULTIPLE_CHOICE:
        return question.choices[: 1 + pattern % len(question.choices)]
    if question.kind == kind.DATE:
        return f"19{70 + pattern * 3}-0{1 + pattern}-1{pattern}"
    if question.kind == kind.NUMBER:
        return pattern + 1
    if question.kind == kind.LONG_TEXT:
        return "Trouble sleeping before work, and worry that keeps coming back. " * (1 + pattern)
    return f"Answer {pattern}"


def _intakes(client_ids: list[int], therapist_ids: list[int], staff) -> tuple[int, int]:
    """One intake per client, in every status, with answers and screener scores."""
    from intake.models import Answer, QuestionnaireVersion, ScreenerResult, Submission

    version = QuestionnaireVersion.objects.current_intake()
    assert version is not None, "seed_demo installs the intake questionnaire"
    # i: the client's number; mod(i, 20) picks the status (any 20 clients have every one):
    # 10 % drafts, 15 % new, 10 % in review, 50 % accepted, 10 % waitlisted, 5 % referred out.
    status = (
        "CASE WHEN mod(i, 20) < 2 THEN 'draft' WHEN mod(i, 20) < 5 THEN 'new' "
        "WHEN mod(i, 20) < 7 THEN 'in_review' WHEN mod(i, 20) < 17 THEN 'accepted' "
        "WHEN mod(i, 20) < 19 THEN 'waitlisted' ELSE 'referred_out' END"
    )
    sent = "mod(i, 20) >= 2"
    urgent = "mod(i, 37) = 0"
    acknowledged = f"{urgent} AND mod(i, 74) = 0"
    when = "now() - make_interval(secs => i * %(spread)s)"
    insert_select(
        Submission,
        "generate_series(1, %(count)s) AS i",
        {
            "client": "(%(clients)s::bigint[])[i]",
            "version": "%(version)s",
            "status": status,
            "resume_step": f"CASE WHEN {sent} THEN 1 ELSE 3 END",
            "urgent": urgent,
            "urgent_at": f"CASE WHEN {urgent} THEN {when} END",
            "urgent_acknowledged_by": f"CASE WHEN {acknowledged} THEN %(staff)s::bigint END",
            "urgent_acknowledged_at": (
                f"CASE WHEN {acknowledged} THEN {when} + interval '1 hour' END"
            ),
            "assigned_therapist": "CASE WHEN mod(i, 20) BETWEEN 7 AND 16 "
            "THEN (%(therapists)s::bigint[])[1 + mod(i, %(therapist_count)s)] END",
            "created_at": f"{when} - interval '2 days'",
            "updated_at": when,
            "submitted_at": f"CASE WHEN {sent} THEN {when} END",
            "status_changed_at": f"CASE WHEN mod(i, 20) >= 5 THEN {when} + interval '3 days' END",
        },
        count=len(client_ids),
        clients=client_ids,
        version=version.pk,
        staff=staff.pk,
        therapists=therapist_ids,
        therapist_count=len(therapist_ids),
        spread=2 * 365 * 24 * 3600 / len(client_ids),
    )
    answers, scores = _answer_patterns()
    submissions = f"{Submission._meta.db_table} AS s"
    answer_rows, answer_params = unnest(
        "a", answers, pattern="int", question="bigint", page="int", value="jsonb"
    )
    answered = insert_select(
        Answer,
        f"""{submissions} JOIN {answer_rows} ON a.pattern = mod(s.id, {PATTERNS})
            WHERE s.status <> 'draft' OR a.page < s.resume_step""",
        {
            "submission": "s.id",
            "question": "a.question",
            "value": "a.value",
            "updated_at": "s.updated_at",
        },
        **answer_params,
    )
    score_rows, score_params = unnest(
        "r", scores, pattern="int", instrument="text", total="int", severity="text", item9="bool"
    )
    insert_select(
        ScreenerResult,
        f"""{submissions} JOIN {score_rows} ON r.pattern = mod(s.id, {PATTERNS})
            WHERE s.status <> 'draft'""",
        {
            "submission": "s.id",
            "instrument": "r.instrument",
            "total": "r.total",
            "severity": "r.severity",
            "item9_positive": "r.item9",
            "created_at": "s.submitted_at",
        },
        **score_params,
    )
    return Submission.objects.count(), answered


def _consent(client_ids: list[int]) -> int:
    """Every client in care signed each published document; the contact consent sets their
    choices (texts allowed for two in three)."""
    from consent.models import (
        ConsentDocument,
        ContactPreference,
        DocumentVersion,
        Signature,
        digest_text,
        fill_terms,
    )
    from practice.models import PracticeSettings

    terms = PracticeSettings.load().policy_terms()
    versions = [v for v in DocumentVersion.objects.select_related("document") if v.published_at]
    signed = insert_select(
        Signature,
        """unnest(%(clients)s::bigint[]) WITH ORDINALITY AS c(id, i),
           unnest(%(versions)s::bigint[], %(digests)s::text[]) AS v(id, digest)""",
        {
            "client": "c.id",
            "version": "v.id",
            "digest": "v.digest",
            "terms": "%(terms)s::jsonb",
            "typed_name": "'Client ' || c.i",
            "signed_at": "now() - make_interval(days => mod(c.i, 700)::int + 1)",
            "ip_address": "'127.0.0.1'",
        },
        clients=client_ids,
        versions=[v.pk for v in versions],
        digests=[digest_text(v.title, fill_terms(v.body, terms)) for v in versions],
        terms=json.dumps(terms),
    )
    contact_consent = ConsentDocument.RequiredFor.CONTACT
    contact = [v.pk for v in versions if v.document.required_for == contact_consent]
    if contact:
        insert_select(
            ContactPreference,
            f"{Signature._meta.db_table} AS s WHERE s.version_id = %(version)s",
            {
                "client": "s.client_id",
                "email": "true",
                "sms": "mod(s.client_id, 3) <> 0",
                "source": "'signed'",
                "signature": "s.id",
                "recorded_at": "s.signed_at",
            },
            version=contact[0],
        )
    return signed


def add_messages(first: int, last: int, client_ids: list[int]) -> int:
    """Messages first..last over the past two years (a few still ahead), to every client."""
    from practice.models import OutboundMessage

    if last < first:
        return 0
    # m: the message's number; mod(m, 100) picks its status.
    status = (
        "CASE WHEN mod(m, 100) < 2 THEN 'failed' WHEN mod(m, 100) = 2 THEN 'unknown' "
        "WHEN mod(m, 100) < 5 THEN 'skipped' WHEN mod(m, 100) < 8 THEN 'cancelled' "
        "WHEN mod(m, 100) < 10 THEN 'scheduled' "
        "WHEN mod(m, 10) = 0 THEN 'delivered' ELSE 'sent' END"
    )
    due = (
        "CASE WHEN mod(m, 100) BETWEEN 8 AND 9 THEN now() + make_interval(hours => 1 + mod(m, 700))"
        " ELSE now() - make_interval(secs => m * %(spread)s) END"
    )
    return insert_select(
        OutboundMessage,
        """generate_series(%(first)s, %(last)s) AS m,
           LATERAL (SELECT 1 + mod(m * 7, %(clients_count)s) AS c) AS r""",
        {
            "key": "'bench:' || m",
            "channel": "CASE WHEN mod(m, 10) = 0 THEN 'sms' ELSE 'email' END",
            "recipient": "(%(clients)s::bigint[])[r.c]",
            "to": "CASE WHEN mod(m, 10) = 0 THEN '+1970555' || lpad(mod(r.c, 10000)::text, 4, '0')"
            " ELSE 'client' || r.c || '@example.org' END",
            "template": "(%(templates)s::text[])[1 + mod(m, %(template_count)s)]",
            "due_at": due,
            "status": status,
            "status_reason": (
                "CASE WHEN mod(m, 100) < 5 THEN 'the provider refused the address' ELSE '' END"
            ),
            "attempts": "CASE WHEN mod(m, 100) BETWEEN 8 AND 9 THEN 0 ELSE 1 END",
            "created_at": f"({due}) - interval '2 days'",
            "sent_at": f"CASE WHEN mod(m, 100) >= 10 THEN ({due}) + interval '5 seconds' END",
        },
        first=first,
        last=last,
        clients=client_ids,
        clients_count=len(client_ids),
        templates=TEMPLATES,
        template_count=len(TEMPLATES),
        spread=2 * 365 * 24 * 3600 / max(last, 1),
    )


def _inbound_texts(client_ids: list[int]) -> int:
    from practice.models import InboundText

    return insert_select(
        InboundText,
        "generate_series(1, 500) AS n",
        {
            "provider_id": "'SMbench' || n",
            "from_number": "'+1970555' || lpad(n::text, 4, '0')",
            "sender": "(%(clients)s::bigint[])[n]",
            "body": "CASE WHEN mod(n, 10) = 0 THEN 'STOP' ELSE 'Running ten minutes late' END",
            "kind": "CASE WHEN mod(n, 10) = 0 THEN 'stop' ELSE 'other' END",
            "received_at": "now() - make_interval(hours => n * 7)",
        },
        clients=client_ids[:500] + [client_ids[0]] * max(0, 500 - len(client_ids)),
    )


def _audit(staff) -> int:
    """Two looks by staff at each sent intake, in whichever audit logs the apps keep."""
    from intake.models import Submission

    written = 0
    rows = f"{Submission._meta.db_table} AS s, generate_series(1, 2) AS k WHERE s.status <> 'draft'"
    at = "s.submitted_at + make_interval(hours => k * 5)"
    for label, values in (
        ("intake.AuditEntry", {"submission": "s.id", "action": "'viewed'"}),
        (
            "practice.AuditEntry",
            {
                "actor_role": "'staff'",
                "client": "s.client_id",
                "record": "'Intake'",
                "record_id": "s.id::text",
                "action": "'viewed'",
                "address": "'127.0.0.1'",
            },
        ),
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        written += insert_select(
            model, rows, {**values, "actor": "%(staff)s", "created_at": at}, staff=staff.pk
        )
    return written


def _cast(staff, therapist_ids: list[int], client_ids: list[int], in_care: int) -> Cast:
    from intake.models import Submission
    from practice.models import Therapist
    from scheduling.models import SessionType

    therapist = Therapist.objects.select_related("user").get(pk=therapist_ids[0])
    # The portal's client: the first one in care with an accepted intake; its page for staff.
    submission = (
        Submission.objects.filter(status="accepted", urgent=False, client__in=client_ids[:in_care])
        .select_related("client")
        .order_by("pk")
        .first()
    )
    draft = (
        Submission.objects.filter(status="draft").select_related("client").order_by("pk").first()
    )
    assert submission is not None and draft is not None, "the seed made no intakes"
    return Cast(
        staff=staff,
        therapist=therapist,
        session_type=SessionType.objects.filter(new_clients_may_book=True)
        .order_by("-duration")
        .first(),
        client=submission.client,
        drafting_client=draft.client,
        submission=submission,
        client_ids=client_ids,
        therapist_ids=therapist_ids,
    )


def table_sizes() -> dict[str, int]:
    """The table sizes as they are, for the report's header."""
    from intake.models import Answer, Submission
    from practice.models import OutboundMessage, User
    from scheduling.models import Appointment

    return {
        "client accounts": User.objects.filter(role="client").count(),
        "appointments": Appointment.objects.count(),
        "intakes": Submission.objects.count(),
        "answers": Answer.objects.count(),
        "messages": OutboundMessage.objects.count(),
    }
