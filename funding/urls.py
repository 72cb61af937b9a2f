from django.urls import path

from funding.views import commitments, exports, imports, reconciliation, review

app_name = "funding"

# Each area keeps its routes in its own block.
urlpatterns = [
    # -- commitments: partner portal and verification --
    path("commitments/", commitments.commitment_list, name="commitment-list"),
    path("commitments/new/", commitments.commitment_pledge, name="commitment-pledge"),
    path("commitments/<int:pk>/", commitments.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/edit/", commitments.commitment_edit, name="commitment-edit"),
    path(
        "commitments/<int:pk>/confirm/", commitments.commitment_confirm, name="commitment-confirm"
    ),
    path(
        "commitments/<int:pk>/withdraw/",
        commitments.commitment_withdraw,
        name="commitment-withdraw",
    ),
    path(
        "commitments/<int:pk>/disbursements/new/",
        commitments.disbursement_declare,
        name="disbursement-declare",
    ),
    path(
        "disbursements/<int:pk>/evidence/",
        commitments.disbursement_evidence,
        name="disbursement-evidence",
    ),
    path("disbursements/to-verify/", review.disbursement_queue, name="disbursement-queue"),
    path("disbursements/<int:pk>/verify/", review.disbursement_verify, name="disbursement-verify"),
    path("disbursements/<int:pk>/reject/", review.disbursement_reject, name="disbursement-reject"),
    # -- reconciliation --
    path("reconciliation/", reconciliation.reconciliation_index, name="reconciliation-index"),
    path("reconciliation/<slug:slug>/", reconciliation.reconciliation, name="reconciliation"),
    path(
        "reconciliation/<slug:slug>/allocations/new/",
        reconciliation.allocation_create_view,
        name="allocation-create",
    ),
    # -- import --
    path("imports/", imports.import_list, name="import-list"),
    path("imports/new/", imports.import_new, name="import-new"),
    path(
        "imports/template/<slug:kind>.<str:fmt>",
        imports.import_template,
        name="import-template",
    ),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import-discard"),
    # -- export --
    path("export/<slug:table>.<str:fmt>", exports.export, name="export"),
]
