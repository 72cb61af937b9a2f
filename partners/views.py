from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from core.audit import audit_record
from core.uploads import private_file_response
from partners.models import Agreement
from partners.permissions import can_view_agreement_document


@require_safe
def agreement_document(request, pk: int):
    """Download an agreement's signed document, for those who may read it.

    A GET that writes: each download of a private document is audited, on purpose.
    """
    agreement = get_object_or_404(Agreement, pk=pk)
    if not agreement.document or not can_view_agreement_document(request.user, agreement):
        # 404, not 403: who may not read it need not know it exists.
        raise Http404
    audit_record(actor=request.user, verb="agreement.document_downloaded", target=agreement)
    extension = agreement.document.name.rsplit(".", 1)[-1]
    return private_file_response(
        agreement.document, download_name=f"accordo-{agreement.pk}.{extension}"
    )
