"""Form building blocks of the portal: accessible errors, yes/no questions, stale edits."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import STALE_MESSAGE

YES_NO = [("oui", _("Oui")), ("non", _("Non"))]


class PortalFormMixin:
    """Errors that say what to do, next to the field and summarized at the top.

    After validation, each field's input points (aria-describedby) to its help text and its
    error; `error_summary` lists every error with the id of the input it belongs to.
    """

    error_css_class = "has-error"

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if name in self.errors:
                described.append(f"{bound.auto_id}_erreur")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"{self[name].auto_id}_helptext")

    @property
    def error_summary(self) -> list[dict[str, Any]]:
        if not self.is_bound or not self.errors:
            return []
        items = []
        for error in self.non_field_errors():
            items.append({"anchor": "", "label": "", "message": error})
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            anchor = bound.field.widget.attrs.get("id") or bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"{anchor}_0"
            for message in self.errors[name]:
                items.append({"anchor": anchor, "label": bound.label, "message": message})
        return items


class YesNoField(forms.TypedChoiceField):
    """A question answered by Oui or Non (radio buttons), stored as True or False."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("coerce", lambda value: value == "oui")
        kwargs.setdefault("error_messages", {"required": _("Répondez par Oui ou par Non.")})
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is True:
            return "oui"
        if value is False:
            return "non"
        return value

    def bound_data(self, data, initial):
        return data


class VersionedPortalForm(PortalFormMixin, forms.ModelForm):
    """A model form that carries the version the person saw (optimistic locking)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk is not None:
            current = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if seen is None or current != seen:
                raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The model fields of the form and their cleaned values."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_action_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """The refusal of an action, shown on its form: next to the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class WorkspaceForm(PortalFormMixin, forms.Form):
    """A form of the ministry's workspace: inputs keep the ids and names the pages use."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


def error_messages(form: PortalFormMixin) -> list[str]:
    """Each error of a form posted from another page, as « Field: message » for a flash."""
    return [
        f"{item['label']} : {item['message']}" if item["label"] else str(item["message"])
        for item in form.error_summary
    ]


_MONEY_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MONEY = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def parse_money(text: str) -> Decimal | None:
    """Dollars as people in Québec write them: « 412 350,75 $ », « 412350.75 », « 412 350 »
    (ordinary, non-breaking or narrow spaces between thousands; a comma or a point before the
    cents; the dollar sign before or after). None when it is not an amount."""
    compact = _MONEY_SPACES.sub("", text).replace("\u2212", "-").strip("$")
    if compact.startswith("-$"):
        compact = "-" + compact[2:]
    if "," in compact and "." in compact:
        return None  # « 1.234,56 » or « 1,234.56 »: which one is meant cannot be told
    compact = compact.replace(",", ".")
    if not _MONEY.match(compact):
        return None
    try:
        return Decimal(compact)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        return None


class MoneyField(forms.DecimalField):
    """An amount in dollars, stored as a Decimal (see parse_money for what is accepted)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        amount = parse_money(str(value))
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount
