from datetime import timedelta
from pathlib import PurePosixPath

from allauth.account.internal.stagekit import clear_login, get_pending_stage
from allauth.account.stages import EmailVerificationStage
from allauth.account.views import login as allauth_login
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from practice import outbox, replies, services, sms
from practice.account_changes import notify_phone_changed, phone_change_needs_password
from practice.audit import record_list
from practice.forms import InvitationForm, ProfileForm
from practice.mfa import second_factor_required
from practice.middleware import session_idle_timeout
from practice.models import InboundText, OutboundMessage, Therapist, User
from practice.paging import page_of, query_without_page
from practice.privacy import AccountClosure
from practice.roles import AuthenticatedHttpRequest, client_required, staff_required
from practice.scoping import get_for_user
from practice.shared_pages import kept_for_visitors, open_times_of


@require_safe
@kept_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    therapists = Therapist.objects.listed().filter(accepting_new_clients=True)[:3]
    return render(request, "practice/home.html", {"therapists": therapists})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    context = {"retention_years": settings.RECORD_RETENTION_YEARS}
    return render(request, "practice/privacy.html", context)


@require_safe
@kept_for_visitors
def therapist_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "practice/therapist_list.html", {"therapists": Therapist.objects.listed()}
    )


@require_safe
@kept_for_visitors(versions=open_times_of)
def therapist_detail(request: HttpRequest, slug: str) -> HttpResponse:
    therapist = get_object_or_404(Therapist.objects.listed(), slug=slug)
    return render(request, "practice/therapist_detail.html", {"therapist": therapist})


PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@require_safe
def therapist_photo(request: HttpRequest, name: str) -> FileResponse:
    """A listed therapist's public photo. Nothing else under MEDIA_ROOT is ever served."""
    photo = f"therapists/{name}"
    content_type = PHOTO_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None or not Therapist.objects.listed().filter(photo=photo).exists():
        raise Http404
    try:
        stream = default_storage.open(photo)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, content_type=content_type)
    # An image, never a page: no script runs in it even if a crafted file is opened directly.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def login(request: HttpRequest) -> HttpResponse:
    """allauth's login page. Opening it gives up a sign-up still waiting for its e-mail code, so
    "Log in" on the code page leads here instead of back to the code (which never comes when the
    address already has an account). Someone who signed up logs in and gets a new code."""
    stage = get_pending_stage(request)
    if request.method in ("GET", "HEAD") and stage and stage.key == EmailVerificationStage.key:
        clear_login(request)
    return allauth_login(request)


@login_required
@require_safe
def home_for_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    destinations: dict[str, str] = {
        User.Role.CLIENT: "practice:portal",
        User.Role.THERAPIST: "scheduling:calendar",
        User.Role.STAFF: "practice:staff-dashboard",
    }
    return redirect(destinations[request.user.role])


@login_required
@require_safe
def session_keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The "Stay signed in" button: any signed-in request restarts the idle clock."""
    return HttpResponse(status=204)


@login_required
@require_safe
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "practice/security.html",
        {
            "has_second_factor": is_mfa_enabled(request.user),
            "second_factor_required": second_factor_required(request.user),
            "idle_minutes": session_idle_timeout(request.user) // 60,
            "absolute_hours": settings.SESSION_COOKIE_AGE // 3600,
        },
    )


@client_required
@require_safe
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "practice/portal.html")


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
@phone_change_needs_password
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        if "mobile_phone" in form.changed_data:
            notify_phone_changed(request)
        messages.success(request, "Your details are saved.")
        return redirect("practice:profile")
    return render(request, "practice/profile.html", {"form": form})


@staff_required
@require_safe
def staff_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    needing_attention = OutboundMessage.objects.for_user(request.user).needing_attention().count()
    recent_closures = (
        AccountClosure.objects.for_user(request.user)
        .filter(requested_at__gte=timezone.now() - timedelta(days=30))
        .count()
    )
    context = {
        "messages_needing_attention": needing_attention,
        "recent_closures": recent_closures,
    }
    return render(request, "practice/staff_dashboard.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if form.is_valid():
        user = services.invite_person(**form.cleaned_data)
        messages.success(request, f"We have e-mailed an invitation to {user.email}.")
        return redirect("practice:staff-dashboard")
    return render(request, "practice/invite.html", {"form": form})


@staff_required
@require_safe
def message_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    visible = OutboundMessage.objects.for_user(request.user)
    shown = visible.select_related("recipient").order_by("-due_at", "-pk")
    if status in OutboundMessage.Status.values:
        shown = shown.filter(status=status)
    page = page_of(request, shown)
    record_list(request, record="Message", shown=len(page.object_list))
    context = {
        "page_obj": page,
        "query": query_without_page(request),
        "statuses": OutboundMessage.Status.choices,
        "status": status,
        "unknown_count": visible.filter(status=OutboundMessage.Status.UNKNOWN).count(),
        "inbound_texts": InboundText.objects.for_user(request.user).select_related("sender")[:50],
    }
    return render(request, "practice/message_list.html", context)


@staff_required
@require_POST
def message_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_for_user(OutboundMessage.objects, request.user, pk=pk)
    if outbox.resend_message(message.pk, by=request.user):
        messages.success(request, f"Message #{message.pk} will be sent again in a moment.")
    else:
        messages.info(
            request,
            f"Message #{message.pk} was not sent again: it is "
            f"{message.get_status_display().lower()} now.",
        )
    return redirect("practice:message-list")


# Twilio's webhooks: no session and no CSRF token, so Twilio's signature is the only way in.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt
@require_POST
def text_incoming(request: HttpRequest) -> HttpResponse:
    if not sms.twilio_request_is_signed(request):
        return HttpResponseForbidden()
    if not request.POST.get("MessageSid"):
        return HttpResponseBadRequest()
    replies.receive_text(
        provider_id=request.POST.get("MessageSid", ""),
        from_number=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
    )
    # Any answer goes through the outbox like every other text, never in this response.
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def text_status(request: HttpRequest) -> HttpResponse:
    if not sms.twilio_request_is_signed(request):
        return HttpResponseForbidden()
    replies.record_delivery_receipt(
        provider_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)
