from django.urls import path  # noqa: F401

app_name = "programme"

# Each area keeps its routes in its own block.
urlpatterns = [
    # -- browsing: projects list, plans, meetings --
    # -- forms: create and edit --
    # -- workflow: transitions, milestones done --
]
