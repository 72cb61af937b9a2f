from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api import TokenLoginView, TokenLogoutView

admin.site.site_header = "Regia"
admin.site.site_title = "Regia"
admin.site.index_title = "Back office"

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="logout"),
    path("", include("partners.api.urls")),
    path("", include("programme.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("portal.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("portal.urls")),
    path("", include("programme.urls")),
    path("partners/", include("partners.urls")),
    path("ledger/", include("funding.urls")),
    path("accounts/", include("portal.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
