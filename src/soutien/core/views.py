from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from soutien.rules import all_norms

from . import clock
from .files import private_storage
from .models import is_ministry_staff


def home(request):
    """A signed-in person goes to their own space; a visitor sees what the program is."""
    if request.user.is_authenticated:
        return redirect(
            "workspace:dashboard" if is_ministry_staff(request.user) else "portal:dashboard"
        )
    return render(request, "core/home.html", {"norms": all_norms(), "today": clock.today()})


def help_page(request):
    """How to get help: the account pages, the advisor, the norms' clauses, accessibility."""
    return render(request, "core/help.html", {"norms": all_norms()})


def download(request, *, model, pk: int):
    """Serve a stored document to someone who may see it; anyone else gets a 404."""
    document = get_object_or_404(model.objects.for_user(request.user), pk=pk)
    if not document.file.name:  # destroyed at the end of its retention (clause 7)
        return render(request, "core/document_destroyed.html", {"document": document}, status=410)
    try:
        handle = private_storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
