"""« L'année en un coup d'œil » (issue 15): the page, its charts and its tables' files."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from soutien.accounts.access import Capability, workspace_view
from soutien.applications.models import Stream
from soutien.core import clock
from soutien.core.fiscal import choices as fiscal_year_choices
from soutien.core.forms import WorkspaceForm
from soutien.organizations.models import Region
from soutien.rules import FiscalYear

from . import glance
from .charts import bar_chart


class GlanceFilterForm(WorkspaceForm):
    fiscal_year = forms.TypedChoiceField(
        label=_lazy("Exercice financier"),
        coerce=int,
        error_messages={
            "required": _lazy("Choisissez l'exercice financier."),
            "invalid_choice": _lazy(
                "L'exercice financier « %(value)s » n'est pas un exercice des normes."
            ),
        },
    )
    stream = forms.TypedChoiceField(
        label=_lazy("Volet"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _lazy("Les deux volets")), *Stream.choices],
        error_messages={
            "invalid_choice": _lazy("Le volet « %(value)s » n'existe pas : choisissez 1 ou 2.")
        },
    )
    region = forms.ChoiceField(
        label=_lazy("Région administrative"),
        required=False,
        error_messages={
            "invalid_choice": _lazy(
                "La région « %(value)s » n'est pas une des 17 régions administratives."
            )
        },
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        self.fields["region"].choices = [
            ("", _("Toutes les régions")),
            *((r.code, f"{r.code} — {r.name}") for r in regions),
        ]


def default_fiscal_year() -> int:
    """The program date's fiscal year, else the last one the norms fund before it (or the
    first they fund): the page opens on a year it can show."""
    current = FiscalYear.containing(clock.today()).start_year
    years = [year for year, _label in fiscal_year_choices()]
    return current if current in years else max([y for y in years if y < current] or years[:1])


def _filters(request) -> GlanceFilterForm:
    data = request.GET.copy()
    data.setdefault("fiscal_year", str(default_fiscal_year()))
    form = GlanceFilterForm(data, regions=Region.objects.all())
    form.is_valid()
    return form


def _money(value) -> str:
    return glance.money_text(value)


def _charts(year: glance.Year) -> dict:
    series = [_("Engagé"), _("Versé")]
    charts = {
        "etats": bar_chart(
            id="chart-etats",
            title=_("Dossiers par état"),
            description=_(
                "Nombre de dossiers de l'exercice dans chaque état ; les mêmes chiffres sont "
                "dans le tableau qui suit."
            ),
            series=[_("Dossiers")],
            categories=[(s.label, [s.count]) for s in year.states],
        )
    }
    for code, table in (
        ("regions", year.tables["regions"]),
        ("priorites", year.tables["tiers"]),
        ("volets", year.tables["streams"]),
    ):
        charts[code] = bar_chart(
            id=f"chart-{code}",
            title=_("Engagé et versé, %(table)s") % {"table": table.title.lower()},
            description=_(
                "Barres pleines : montant engagé ; barres hachurées : montant versé (grand "
                "livre). Total engagé %(committed)s, total versé %(paid)s ; chaque montant est "
                "écrit au bout de sa barre et repris dans le tableau qui suit."
            )
            % {"committed": _money(table.total.committed), "paid": _money(table.total.paid)},
            series=series,
            categories=[(line.label, [line.committed, line.paid]) for line in table.lines],
            text=_money,
        )
    return charts


@workspace_view(Capability.VIEW)
def glance_page(request):
    form = _filters(request)
    context: dict = {"form": form, "year": None, "query": request.GET.urlencode()}
    if not form.errors:
        year = glance.year_at_a_glance(glance.Filters(**form.cleaned_data))
        charts = _charts(year)
        context |= {
            "year": year,
            "fiscal_year_label": FiscalYear(year.filters.fiscal_year).label,
            "chart_states": charts["etats"],
            "sections": [
                (code, table, charts[code])
                for code, table in (
                    ("regions", year.tables["regions"]),
                    ("priorites", year.tables["tiers"]),
                    ("volets", year.tables["streams"]),
                )
            ],
            "columns": glance.COLUMNS,
            "formats": list(glance.FORMATS),
        }
    return render(request, "workspace/glance.html", context, status=422 if form.errors else 200)


@workspace_view(Capability.VIEW)
def glance_export(request, table: str, fmt: str):
    """One table of the page, with the page's filters, as CSV or XLSX."""
    if table not in glance.TABLES or fmt not in glance.FORMATS:
        raise Http404
    form = _filters(request)
    if form.errors:
        return render(
            request, "workspace/glance.html", {"form": form, "year": None, "query": ""}, status=422
        )
    year = glance.year_at_a_glance(glance.Filters(**form.cleaned_data))
    name, content_type, content = glance.export(year, table, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
