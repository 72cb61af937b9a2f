"""Reads of consultations that filter by who is reading.

The public sees the open, closed and published consultations of published programmes; the
programme's people (any assignment) see its drafts too. Free text leaves the moderation scope
only once approved: ``public_texts`` returns approved text and nothing else, and the
moderation queue is for the programme's moderators.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from consultation.models import Answer, Consultation
from consultation.permissions import moderated_programmes
from programme.models import Programme
from programme.selectors import assigned_programmes


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        programme__status=Programme.Status.PUBLISHED, status__in=Consultation.PUBLIC_STATUSES
    )


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Public consultations, and every consultation of the programmes the user works on."""
    if user.is_superuser:
        return Consultation.objects.all()
    visible = Q(
        programme__status=Programme.Status.PUBLISHED, status__in=Consultation.PUBLIC_STATUSES
    )
    if user.is_authenticated:
        visible |= Q(programme__in=assigned_programmes(user).values("pk"))
    return Consultation.objects.filter(visible)


def consultations_with_published_results() -> QuerySet[Consultation]:
    return public_consultations().filter(status=Consultation.Status.RESULTS_PUBLISHED)


def public_texts(consultation: Consultation) -> QuerySet[Answer]:
    """The approved free-text answers of a consultation: the only text that may go public."""
    return (
        Answer.objects.filter(
            question__consultation=consultation, moderation=Answer.Moderation.APPROVED
        )
        .exclude(text="")
        .select_related("question")
        .order_by("question__position", "response__submitted_at", "pk")
    )


def moderation_queue(user) -> QuerySet[Answer]:
    """The free text awaiting moderation in the programmes the user moderates, oldest first;
    flagged comments carry their number of open flags."""
    return (
        Answer.objects.filter(
            moderation=Answer.Moderation.PENDING,
            question__consultation__programme__in=moderated_programmes(user).values("pk"),
        )
        .select_related("question__consultation")
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .order_by("-open_flags", "response__submitted_at", "pk")
    )


def answers_moderated_by_scope(user) -> QuerySet[Answer]:
    """Every free-text answer the user may see as moderator (any moderation status)."""
    return Answer.objects.exclude(moderation=Answer.Moderation.NOT_NEEDED).filter(
        question__consultation__programme__in=moderated_programmes(user).values("pk")
    )
