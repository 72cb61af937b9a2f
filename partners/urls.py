from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path(
        "agreements/<int:pk>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
]
