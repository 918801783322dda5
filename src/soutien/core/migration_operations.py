"""One migration operation that creates many models at once (decision 012).

Django re-renders, after each CreateModel, every model related to the new one, and every model
here is related to the user model: a fresh database rendered about 6 000 model classes to
create 78 tables (20 s of CPU). `CreateModels` changes the project state for all its models
first, renders them once, then creates their tables: the same tables, one render per migration.
"""

from __future__ import annotations

from django.db.migrations.operations import CreateModel, RunSQL
from django.db.migrations.operations.base import Operation


class CreateModels(Operation):
    """Several CreateModel operations of one app, applied as one.

    Each CreateModel carries its model whole (fields, indexes and constraints folded in, as the
    migration optimizer writes them): no other operation of the batch changes its table, so the
    model rendered after the batch is the model each CreateModel would have created.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, operations: list[CreateModel]):
        for operation in operations:
            if not isinstance(operation, CreateModel):
                raise TypeError(f"CreateModels ne groupe que des CreateModel, pas {operation!r}.")
        self.operations = list(operations)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label, state):
        # The rendered models (a cached property) are set aside while the CreateModel
        # operations change the model states, then the new models are rendered beside them:
        # the models already rendered are new models' targets, unchanged.
        rendered = state.__dict__.pop("apps", None)
        for operation in self.operations:
            operation.state_forwards(app_label, state)
        if rendered is not None:
            rendered.render_multiple(
                [state.models[app_label, operation.name_lower] for operation in self.operations]
            )
            state.__dict__["apps"] = rendered

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            model = to_state.apps.get_model(app_label, operation.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.create_model(model)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            model = from_state.apps.get_model(app_label, operation.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.delete_model(model)

    def references_model(self, name, app_label):
        return any(op.references_model(name, app_label) for op in self.operations)

    def describe(self):
        names = ", ".join(operation.name for operation in self.operations)
        return f"Create models {names}"

    @property
    def migration_name_fragment(self):
        return "initial"


class RunSQLOn(RunSQL):
    """RunSQL for one database vendor only (« sqlite », « postgresql »): the triggers differ.

    RunPython would do as well, but it renders every model first (a fifth of a second each
    time, on a fresh database); SQL needs no model.
    """

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return (name, [self.vendor, *args], kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Raw SQL operation ({self.vendor})"
