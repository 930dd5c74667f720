"""Privacy pages: the audit log for staff; for a client, who opened their records, their
download and closing their account; for staff, the closed accounts."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from practice import privacy
from practice.audit import AuditEntry, record_access, record_list
from practice.clock import start_of_day
from practice.forms import AuditFilterForm
from practice.paging import page_of, query_without_page
from practice.privacy import AccountClosure
from practice.roles import AuthenticatedHttpRequest, client_required, staff_required


@staff_required
@require_safe
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every look at and change to a client's records, newest first, with filters."""
    entries = AuditEntry.objects.for_user(request.user).select_related("actor", "client")
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data, zone = form.cleaned_data, ZoneInfo(request.user.time_zone)
        if data["person"]:
            entries = entries.filter(actor=data["person"])
        if data["client"]:
            entries = entries.filter(client_id=data["client"])
        if data["record"]:
            entries = entries.filter(record__iexact=data["record"].strip())
        if data["record_id"]:
            entries = entries.filter(record_id=data["record_id"].strip())
        if data["start"]:
            entries = entries.filter(created_at__gte=start_of_day(data["start"], zone))
        if data["end"]:
            next_day = data["end"] + timedelta(days=1)
            entries = entries.filter(created_at__lt=start_of_day(next_day, zone))
    elif form.is_bound:
        entries = entries.none()
    context = {
        "form": form,
        "page_obj": page_of(request, entries),
        "query": query_without_page(request),
    }
    return render(request, "practice/audit_log.html", context)


@client_required
@require_safe
def who_looked(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The client's own list of who at the practice opened or changed their records."""
    entries = AuditEntry.objects.about(request.user).select_related("actor")
    return render(request, "practice/who_looked.html", {"page_obj": page_of(request, entries)})


@client_required
@require_safe
def your_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "practice/your_data.html")


@client_required
@require_safe
@reauthentication_required
def download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Everything we hold about the client, as a page to keep or as JSON; audited."""
    if kind not in ("html", "json"):
        raise Http404
    client = request.user
    sections = privacy.export_for(client)
    record_access(
        request,
        client=client,
        record="All records",
        action=AuditEntry.Action.EXPORTED,
        detail=kind.upper(),
    )
    if kind == "json":
        response = HttpResponse(
            privacy.export_json(client, sections), content_type="application/json; charset=utf-8"
        )
    else:
        html = render_to_string(
            "practice/your_data_download.html",
            {
                "sections": privacy.readable(sections, ZoneInfo(client.time_zone)),
                "client": client,
                "made_at": timezone.now(),
            },
            request=request,
        )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="your-records.{kind}"'
    return response


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def close_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A confirm page; the POST closes the account at once and signs the client out."""
    if request.method != "POST":
        years = privacy.retention_years()
        return render(request, "practice/close_account.html", {"years": years})
    closure = privacy.close_account(client=request.user)
    logout(request)
    context: dict[str, object] = {"closure": closure, "years": privacy.retention_years()}
    return render(request, "practice/account_closed.html", context)


@staff_required
@require_safe
def closures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Accounts clients have closed, newest first, and when each one's records go."""
    found = AccountClosure.objects.for_user(request.user).select_related("client")
    page = page_of(request, found)
    record_list(request, record="Account closure", shown=len(page.object_list))
    return render(request, "practice/closures.html", {"page_obj": page, "query": ""})
