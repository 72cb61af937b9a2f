from django.urls import path

from partners import views

app_name = "partners"

# The organisation's own page, which also shows its roles in projects, is portal's
# (portal:organisation, /partners/<pk>/): partners cannot read programme.
urlpatterns = [
    path("", views.organisation_list, name="organisation-list"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<int:pk>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
    path("obligations/", views.obligation_list, name="obligation-list"),
    path("data-sharing/", views.data_sharing_list, name="data-sharing-list"),
]
