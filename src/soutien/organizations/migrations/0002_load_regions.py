"""Reference data: the 17 administrative regions (official codes and names)."""

from django.db import migrations

# Frozen copy: a migration must not change when the code does.
REGIONS = (
    ("01", "Bas-Saint-Laurent"),
    ("02", "Saguenay–Lac-Saint-Jean"),
    ("03", "Capitale-Nationale"),
    ("04", "Mauricie"),
    ("05", "Estrie"),
    ("06", "Montréal"),
    ("07", "Outaouais"),
    ("08", "Abitibi-Témiscamingue"),
    ("09", "Côte-Nord"),
    ("10", "Nord-du-Québec"),
    ("11", "Gaspésie–Îles-de-la-Madeleine"),
    ("12", "Chaudière-Appalaches"),
    ("13", "Laval"),
    ("14", "Lanaudière"),
    ("15", "Laurentides"),
    ("16", "Montérégie"),
    ("17", "Centre-du-Québec"),
)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    # SQL, not RunPython: no model to render (decision 012); the table starts empty.
    operations = [
        migrations.RunSQL(
            [
                ("INSERT INTO organizations_region (code, name) VALUES (%s, %s);", [code, name])
                for code, name in REGIONS
            ],
            [("DELETE FROM organizations_region WHERE code = %s;", [code]) for code, _ in REGIONS],
        )
    ]
