from django.urls import path

from portal.views import home

app_name = "portal"

# Each area keeps its routes in its own block.
urlpatterns = [
    path("", home.home, name="home"),
    # -- dashboards and council area --
    # -- project overview --
    # -- public pages and open data --
]
