import contextlib

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from consent import services
from consent.forms import ContactPreferenceForm, DeclineForm, SignatureForm
from consent.models import ContactPreference, Decline, Signature
from consent.status import (
    CHANNELS_BEFORE_ANY_CHOICE,
    DocumentStatus,
    missing_consent,
    statuses,
    statuses_for,
)
from practice.account_changes import notify_phone_changed, phone_change_needs_password
from practice.audit import record_list
from practice.models import User
from practice.paging import page_of
from practice.roles import AuthenticatedHttpRequest, client_required, staff_required
from practice.scoping import get_for_user


def get_status_for(client: User, slug: str) -> DocumentStatus:
    """The client's status with one published document, or 404."""
    for row in statuses_for(client):
        if row.document.slug == slug:
            return row
    raise Http404


def signatures_of(client: User) -> QuerySet[Signature]:
    return (
        Signature.objects.for_user(client)
        .select_related("version__document", "contact_choice")
        .order_by("-signed_at")
    )


def _signature_for(user: User, pk: int) -> Signature:
    return get_for_user(
        Signature.objects.select_related("version__document", "contact_choice"), user, pk=pk
    )


@client_required
@require_safe
def to_sign(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = statuses_for(request.user)
    return render(
        request,
        "consent/to_sign.html",
        {
            "to_sign": [row for row in rows if row.missing],
            "optional": [row for row in rows if not row.required and not row.signed],
            "signed": [row for row in rows if row.signed],
        },
    )


@client_required
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def document(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    status = get_status_for(request.user, slug)
    version = status.current
    version.refresh_from_db(fields=["body"])
    signed_current = signatures_of(request.user).filter(version=version).first()
    form = SignatureForm(request.POST or None, version=version, minor=request.user.is_minor)
    if signed_current is None and form.is_valid():
        try:
            if form.cleaned_data["version"] != version.pk:
                raise services.DocumentChanged
            services.record_consent(
                client=request.user,
                version=version,
                digest_shown=form.cleaned_data["digest"],
                typed_name=form.cleaned_data["typed_name"],
                guardian_name=form.cleaned_data["guardian_name"],
                guardian_relationship=form.cleaned_data["guardian_relationship"],
                ip_address=get_adapter().get_client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                contact_choice=form.contact_choice,
            )
        except services.DocumentChanged:
            messages.warning(
                request,
                "We updated this document while you were reading it. Please read the new "
                "version below before you sign.",
            )
            return redirect("consent:document", slug=slug)
        except services.AlreadySigned:
            messages.info(request, f"You had already signed the {version.title}.")
        else:
            messages.success(request, f"Thank you. You signed the {version.title}.")
        return redirect("consent:to-sign")
    if request.method == "POST" and signed_current is not None:
        messages.info(request, f"You had already signed the {version.title}.")
        return redirect("consent:to-sign")
    context = {"status": status, "version": version, "form": form, "signed": signed_current}
    return render(request, "consent/document.html", context)


@client_required
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def decline(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    status = get_status_for(request.user, slug)
    earlier = Decline.objects.for_user(request.user).filter(version=status.current).first()
    if signatures_of(request.user).filter(version=status.current).exists():
        messages.info(request, "You have signed this document. To change that, please call us.")
        return redirect("consent:document", slug=slug)
    form = DeclineForm(request.POST or None)
    if earlier is None and form.is_valid():
        # A double submit finds the first message kept; the client's outcome is the same.
        with contextlib.suppress(services.AlreadyDeclined):
            services.decline_document(
                client=request.user, version=status.current, message=form.cleaned_data["message"]
            )
        messages.success(
            request, "Thank you for telling us. Someone from the practice will be in touch."
        )
        return redirect("consent:to-sign")
    context = {"status": status, "form": form, "earlier": earlier}
    return render(request, "consent/decline.html", context)


@client_required
@require_safe
def signed(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "consent/signed.html", {"signatures": signatures_of(request.user)})


def _copy_context(request: HttpRequest, signatures: list[Signature]) -> dict:
    return {"signatures": signatures, "client": request.user, "made_at": timezone.now()}


@client_required
@require_safe
def signature(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _signature_for(request.user, pk)
    return render(request, "consent/signature.html", _copy_context(request, [found]))


@client_required
@require_safe
def signature_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _signature_for(request.user, pk)
    return _download(request, [found], f"signed-{found.version.document.slug}-{found.pk}.html")


@client_required
@require_safe
def signed_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _download(request, list(signatures_of(request.user)), "signed-documents.html")


def _download(request: HttpRequest, signatures: list[Signature], filename: str) -> HttpResponse:
    if not signatures:
        raise Http404
    html = render_to_string(
        "consent/copy_download.html", _copy_context(request, signatures), request=request
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@client_required
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
@phone_change_needs_password
def contact_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    in_force = ContactPreference.objects.for_user(request.user).in_force()
    allowed = in_force.channels if in_force else CHANNELS_BEFORE_ANY_CHOICE
    current = {name: "yes" if name in allowed else "no" for name in ("email", "sms")}
    current["mobile_phone"] = request.user.mobile_phone
    contact_status = next(
        (row for row in statuses_for(request.user) if row.document.is_contact_consent), None
    )
    may_turn_on = bool(contact_status and contact_status.signed)
    form = ContactPreferenceForm(request.POST or None, initial=current, may_turn_on=may_turn_on)
    if form.is_valid():
        chosen = {name: form.cleaned_data[name] == "yes" for name in ("email", "sms")}
        number = form.cleaned_data["mobile_phone"]
        choices_changed = chosen != {name: current[name] == "yes" for name in ("email", "sms")}
        number_changed = number != request.user.mobile_phone
        if number_changed:
            request.user.mobile_phone = number
            request.user.save(update_fields=["mobile_phone"])
            notify_phone_changed(request)
        if choices_changed:
            services.change_contact_preference(client=request.user, **chosen)
        if choices_changed or number_changed:
            messages.success(request, "Saved. Your choices apply from our next message on.")
        else:
            messages.info(request, "Nothing changed: your choices are as they were.")
        return redirect("consent:contact-preferences")
    history = ContactPreference.objects.for_user(request.user).order_by("-recorded_at", "-pk")
    context = {
        "form": form,
        "in_force": in_force,
        "contact_status": contact_status,
        "may_turn_on": may_turn_on,
        "history": history[:20],
    }
    return render(request, "consent/contact_preferences.html", context)


@staff_required
@require_safe
def staff_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Paged in SQL: the practice's clients are never all loaded to find the few missing one.
    clients = User.objects.filter(role=User.Role.CLIENT, is_active=True)
    missing_page = page_of(
        request, missing_consent(clients).order_by("last_name", "first_name", "email", "pk")
    )
    found = statuses(client.pk for client in missing_page)
    declines = Decline.objects.for_user(request.user).select_related("client", "version__document")[
        :100
    ]
    record_list(request, record="Consent overview", shown=len(missing_page) + len(declines))
    context = {
        "page_obj": missing_page,
        "missing": [
            (client, [row for row in found[client.pk] if row.missing]) for client in missing_page
        ],
        "declines": declines,
        "client_count": clients.count(),
        "minors": clients.minors().order_by("last_name", "first_name", "email"),
    }
    return render(request, "consent/staff_overview.html", context)
