from django.shortcuts import render

from soutien.rules import all_norms


def home(request):
    return render(request, "core/home.html", {"norms": all_norms()})
