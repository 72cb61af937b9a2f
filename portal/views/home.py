from django.shortcuts import render
from django.views.decorators.http import require_safe

from programme.models import Programme, Project


@require_safe
def home(request):
    """What Regia is, and the published programmes anyone may read."""
    programmes = (
        Programme.objects.filter(status=Programme.Status.PUBLISHED)
        .select_related("owner")
        .order_by("name")
    )
    public_projects = Project.objects.public().count()
    return render(
        request,
        "portal/home.html",
        {"programmes": programmes, "public_projects": public_projects},
    )
