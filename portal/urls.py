from django.urls import path, re_path

from portal.views import dashboard as dashboard_views
from portal.views import home, public
from portal.views import organisation as organisation_views
from portal.views import project as project_views

app_name = "portal"

# Each area keeps its routes in its own block.
urlpatterns = [
    path("", home.home, name="home"),
    # -- dashboards and council area --
    path("dashboard/", dashboard_views.dashboard_index, name="dashboard-index"),
    path("dashboard/<slug:slug>/", dashboard_views.dashboard, name="dashboard"),
    path("council/", dashboard_views.council, name="council"),
    # -- project overview --
    path("projects/<int:pk>/", project_views.project_overview, name="project"),
    # -- public pages and open data --
    path("public/", public.public_index, name="public-index"),
    path("public/programmes/<slug:slug>/", public.public_programme, name="public-programme"),
    path("public/projects/<int:pk>/", public.public_project, name="public-project"),
    path("open-data/", public.open_data, name="open-data"),
    re_path(
        r"^open-data/(?P<dataset>[a-z][a-z-]*)\.(?P<format>csv|json)$",
        public.open_data_file,
        name="open-data-file",
    ),
    # -- partners: an organisation's page (it shows programme's participations) --
    path("partners/<int:pk>/", organisation_views.organisation, name="organisation"),
]
