"""The one-pass reader accepts exactly the dossiers that the published JSON Schema accepts.

Hypothesis changes one field of a valid dossier (or removes it) to any JSON value; the
reader must then refuse what the schema refuses, with a French message naming a field, and
accept what the schema accepts unless a rule of the norms forbids it.
"""

from decimal import Decimal

import fastjsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from soutien.rules.contract import SCHEMA, DossierError, evaluate_one, parse_dossier

from .factories import STREAM2, all_judgments, dossier_json, fin

validate = fastjsonschema.compile(SCHEMA)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**13), 10**13)
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**6), max_value=10**6
    )
    | st.sampled_from(
        ["", "01", "18", "2019-2020", "2019-02-15", "2019-02-30", "citizen", "none", "other"]
    )
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)

REMOVE = object()


def paths(value, prefix=()):
    """Every path to a field in a dossier, nested fields included."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index))


def bases():
    return [
        dossier_json(),
        dossier_json(STREAM2, judgments=all_judgments(2)),
        dossier_json(
            fin(unrestricted_net_assets=90000, total_expenses=100000),
            agreement_year=2,
            surplus_withdrawal={"amount": Decimal("1000"), "justification": "Surplus."},
        ),
        dossier_json(
            surplus_revision={"amount": Decimal("10"), "justification": "x"},
            territory={"attached_organizations": 1, "immigrant_population": 900},
            judgments=all_judgments(1),
        ),
    ]


@st.composite
def mutated_dossiers(draw):
    base = draw(st.sampled_from(bases()))
    path = draw(st.sampled_from(list(paths(base))))
    value = draw(st.just(REMOVE) | json_values)
    target = base
    for key in path[:-1]:
        target = target[key]
    if value is REMOVE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return base


@settings(max_examples=1500, deadline=None)
@given(mutated_dossiers())
def test_the_reader_and_the_published_schema_agree(data):
    try:
        validate(data)
        schema_accepts = True
    except fastjsonschema.JsonSchemaValueException:
        schema_accepts = False
    try:
        parse_dossier(data)
        reader_accepts = True
    except DossierError as error:
        reader_accepts = False
        assert "« " in error.message or error.message.startswith("Le dossier")
    if reader_accepts:
        assert schema_accepts
    result = evaluate_one(data)
    assert "Erreur interne" not in result.get("error", "")


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value_as_a_dossier_is_refused_without_an_internal_error(value):
    result = evaluate_one(value)
    assert "error" in result
    assert "Erreur interne" not in result["error"]
