"""The project's settings, with the migrations before the squash (decision 012)."""

from soutien.settings import *  # noqa: F403

MIGRATION_MODULES = {
    app: f"tests.unsquashed_migrations.{app}"
    for app in (
        "core",
        "accounts",
        "organizations",
        "applications",
        "evaluations",
        "budget",
        "agreements",
        "payments",
        "accountability",
        "privacy",
    )
}
