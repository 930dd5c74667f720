"""Questionnaires as data, the client's submission, and what staff do with it.

A questionnaire version that has answers never changes: each answer points at the question
row it answered, so the wording a client saw is the wording staff read. Editing such a
version makes a new one (see `QuestionnaireVersion.clone` and the admin).
"""

import datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce

from intake import instruments
from intake.screeners import INSTRUMENTS
from practice import dates
from practice.scoping import scoped

if TYPE_CHECKING:
    from practice.models import User


class VersionLocked(Exception):
    """This questionnaire version has answers, so it cannot change; make a new version."""


class Questionnaire(models.Model):
    """A questionnaire the practice asks clients to fill in, across all its versions."""

    INTAKE = "intake"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersionQuerySet(models.QuerySet["QuestionnaireVersion"]):
    def current_intake(self) -> "QuestionnaireVersion | None":
        """The version new clients fill in: the newest version of the intake questionnaire."""
        return self.filter(questionnaire__slug=Questionnaire.INTAKE).order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """One fixed wording of a questionnaire: its sections and questions."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} (version {self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and self.has_answers():
            raise VersionLocked
        super().save(*args, **kwargs)

    def has_answers(self) -> bool:
        return Answer.objects.filter(question__section__version_id=self.pk).exists()

    @transaction.atomic
    def clone(self) -> tuple["QuestionnaireVersion", dict[int, int], dict[int, int]]:
        """Copy this version, its sections and questions as the questionnaire's newest version.

        Returns the copy and two maps from old to new primary keys (sections, questions).
        """
        # Lock the questionnaire so two copies made at once get different numbers.
        Questionnaire.objects.select_for_update().get(pk=self.questionnaire_id)
        newest = self.questionnaire.versions.aggregate(newest=models.Max("number"))["newest"]
        copy = QuestionnaireVersion.objects.create(
            questionnaire_id=self.questionnaire_id,
            number=newest + 1,
            title=self.title,
            intro=self.intro,
            based_on=self,
        )
        section_map: dict[int, int] = {}
        question_map: dict[int, int] = {}
        for section in self.sections.prefetch_related("questions"):
            old_section_pk = section.pk
            questions = list(section.questions.all())
            section.pk = None
            section._state.adding = True
            section.version = copy
            section.save()
            section_map[old_section_pk] = section.pk
            for question in questions:
                old_question_pk = question.pk
                question.pk = None
                question._state.adding = True
                question.section = section
                question.save()
                question_map[old_question_pk] = question.pk
        return copy, section_map, question_map


class Section(models.Model):
    """One page of a questionnaire. A screener section carries a published instrument."""

    class Kind(models.TextChoices):
        QUESTIONS = "questions", "Questions"
        SCREENER = "screener", "Screener (published wording, not editable)"

    class Instrument(models.TextChoices):
        PHQ9 = "phq9", "PHQ-9"
        GAD7 = "gad7", "GAD-7"

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.QUESTIONS)
    instrument = models.CharField(max_length=8, choices=Instrument, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="screener", instrument__in=["phq9", "gad7"])
                | Q(kind="questions", instrument=""),
                name="section_screener_has_instrument",
            ),
            models.UniqueConstraint(
                fields=["version", "instrument"],
                condition=~Q(instrument=""),
                name="section_one_instrument_per_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if QuestionnaireVersion(pk=self.version_id).has_answers():
            raise VersionLocked
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if QuestionnaireVersion(pk=self.version_id).has_answers():
            raise VersionLocked
        return super().delete(*args, **kwargs)

    @property
    def is_screener(self) -> bool:
        return self.kind == self.Kind.SCREENER


class Question(models.Model):
    """A question with the exact wording a client answered."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        YES_NO = "yes_no", "Yes or no"
        DATE = "date", "Date"
        NUMBER = "number", "Number"
        FREQUENCY = "frequency", "How often (0 to 3)"

    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(
        max_length=60,
        help_text="A short name, unique in the version, that show-if rules refer to.",
    )
    kind = models.CharField(max_length=16, choices=Kind)
    text = models.TextField()
    help = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    choices = models.JSONField(
        default=list, blank=True, help_text='Only for choice questions: ["First", "Second"].'
    )
    show_if = models.JSONField(
        null=True,
        blank=True,
        help_text='Show only when an earlier answer matches: {"key": "under_18", "equals": true}.',
    )

    class Meta:
        ordering = ["section", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="question_unique_key")
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        if QuestionnaireVersion(pk=self.section.version_id).has_answers():
            raise VersionLocked
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if QuestionnaireVersion(pk=self.section.version_id).has_answers():
            raise VersionLocked
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        version_id = Section.objects.filter(pk=self.section_id).values("version_id")[:1]
        if (
            self.key
            and Question.objects.filter(section__version_id=version_id, key=self.key)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"key": "Another question in this version has this key."})
        if self.kind in self.CHOICE_KINDS:
            if not (
                isinstance(self.choices, list)
                and self.choices
                and all(isinstance(choice, str) and choice for choice in self.choices)
            ):
                raise ValidationError({"choices": 'List the options, e.g. ["Yes", "No"].'})
        elif self.choices:
            raise ValidationError({"choices": "Only choice questions have options."})
        if self.show_if is not None:
            self._clean_show_if()

    def _clean_show_if(self) -> None:
        rule = self.show_if
        if not (isinstance(rule, dict) and set(rule) == {"key", "equals"}):
            raise ValidationError({"show_if": 'Write it as {"key": "...", "equals": ...}.'})
        if not isinstance(rule["equals"], bool | str):
            raise ValidationError({"show_if": "“equals” must be true, false or an option."})
        section = Section.objects.filter(pk=self.section_id).first()
        if section is None:
            return
        earlier = Question.objects.filter(section__version_id=section.version_id).filter(
            Q(section__position__lt=section.position)
            | Q(section=section, position__lt=self.position)
        )
        if not earlier.filter(key=rule["key"]).exists():
            raise ValidationError(
                {"show_if": f"“{rule['key']}” must be a question that comes earlier."}
            )

    def format_answer(self, value: object) -> str:
        """An answer as a person reads it."""
        if value is None or value in ("", []):
            return ""
        if self.kind == self.Kind.YES_NO:
            return "Yes" if value else "No"
        if self.kind == self.Kind.FREQUENCY:
            labels: dict[object, str] = {
                score: label for label, score in instruments.ANSWER_OPTIONS
            }
            return labels.get(value, str(value))
        if self.kind == self.Kind.MULTIPLE_CHOICE and isinstance(value, list):
            return ", ".join(str(item) for item in value)
        if self.kind == self.Kind.DATE and isinstance(value, str):
            try:
                return dates.full_date(datetime.date.fromisoformat(value))
            except ValueError:
                return value
        return str(value)


IN_QUEUE = Q(submitted_at__isnull=False) | Q(urgent=True)


def _urgent_first() -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(urgent=True, urgent_acknowledged_at__isnull=True), output_field=models.BooleanField()
    )


def _waiting_since() -> Coalesce:
    return Coalesce("submitted_at", "created_at")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own intake, a therapist the intakes of
        clients assigned to them, staff every intake."""
        return scoped(self, user, client="client", therapist="assigned_therapist__user")

    def in_queue(self) -> Self:
        """Sent intakes, and drafts that raised a safety flag (staff must see those at once)."""
        return self.filter(IN_QUEUE)

    def in_queue_order(self) -> Self:
        """Urgent and not yet acknowledged first, then the longest waiting (the index
        `intake_queue_order` holds this order, so a page of the queue reads 50 rows, not all)."""
        ordered = self.annotate(urgent_first=_urgent_first(), waiting_since=_waiting_since())
        return ordered.order_by("-urgent_first", "waiting_since", "pk")

    def status_counts(self) -> dict[str, int]:
        """How many intakes are in each status, and how many need urgent review (one query)."""
        counts = {
            status: Count("pk", filter=Q(status=status)) for status in Submission.Status.values
        }
        counts["urgent"] = Count("pk", filter=Q(urgent=True, urgent_acknowledged_at__isnull=True))
        return self.aggregate(**counts)


class Submission(models.Model):
    """A client's intake: a draft while they fill it in, then a case in the staff queue."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent yet"
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "Waitlisted"
        REFERRED_OUT = "referred_out", "Referred out"

    REVIEW_STATUSES = (
        Status.NEW,
        Status.IN_REVIEW,
        Status.ACCEPTED,
        Status.WAITLISTED,
        Status.REFERRED_OUT,
    )

    client = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_submission"
    )
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT)
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)
    resume_step = models.PositiveSmallIntegerField(
        default=1, help_text="The page the client comes back to."
    )
    urgent = models.BooleanField(default=False)
    urgent_at = models.DateTimeField(null=True, blank=True)
    urgent_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgent_acknowledged_at = models.DateTimeField(null=True, blank=True)
    assigned_therapist = models.ForeignKey(
        "practice.Therapist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_submissions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["urgent_at"],
                name="intake_needs_urgent_review",
                condition=Q(urgent=True, urgent_acknowledged_at__isnull=True),
            ),
            models.Index(fields=["status", "submitted_at"], name="intake_queue"),
            models.Index(
                _urgent_first().desc(),
                _waiting_since(),
                F("id"),
                name="intake_queue_order",
                condition=IN_QUEUE,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | (~Q(status="draft") & Q(submitted_at__isnull=False)),
                name="submission_sent_iff_not_draft",
            ),
            models.CheckConstraint(
                condition=Q(urgent=False, urgent_at__isnull=True)
                | Q(urgent=True, urgent_at__isnull=False),
                name="submission_urgent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(
                    urgent_acknowledged_at__isnull=True, urgent_acknowledged_by__isnull=True
                )
                | Q(
                    urgent=True,
                    urgent_acknowledged_at__isnull=False,
                    urgent_acknowledged_by__isnull=False,
                ),
                name="submission_acknowledged_only_if_urgent",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def needs_urgent_review(self) -> bool:
        return self.urgent and self.urgent_acknowledged_at is None


class Answer(models.Model):
    """One answer, tied to the exact question row (and so the wording) it answered."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="answer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk}"


class ScreenerResult(models.Model):
    """A screener's total and band, computed on the server when the intake is sent."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="screener_results"
    )
    # Empty for the intake's own scores; the round for a screener asked again later.
    round = models.ForeignKey(
        "intake.MeasureRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results",
    )
    instrument = models.CharField(max_length=8, choices=Section.Instrument)
    total = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=20)
    item9_positive = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "instrument"],
                condition=Q(round__isnull=True),
                name="screener_result_once_per_instrument",
            ),
            models.UniqueConstraint(
                fields=["round", "instrument"], name="screener_result_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(instrument="phq9", total__lte=27)
                | Q(instrument="gad7", total__lte=21, item9_positive=False),
                name="screener_result_total_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()}: {self.total}"

    @property
    def name(self) -> str:
        return INSTRUMENTS[self.instrument].name

    @property
    def max_total(self) -> int:
        return INSTRUMENTS[self.instrument].max_total

    @property
    def severity_label(self) -> str:
        return INSTRUMENTS[self.instrument].severity_label(self.severity)


class InternalNote(models.Model):
    """A note by staff or the assigned therapist. Clients never see these."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note #{self.pk}"


from intake.progress_models import (  # noqa: E402, F401  (goals and screeners asked again)
    Goal,
    GoalStep,
    MeasureRound,
    MeasureSchedule,
)
