"""Questions an earlier stage of the life cycle asks and a later stage answers.

Dependencies point one way (docs/architecture.md): an app imports only the apps before it.
Yet some facts an earlier stage needs are kept by a later one: the evaluation of an
application (clauses 3 and 4) reads the organization's debts and past breaches, which
accountability and the agreements record; the budget (5.2) reads what agreements commit. The
earlier stage declares the question here; the later stage answers it in its `AppConfig.ready`.
An unanswered question is a configuration error, never a silent default. See
docs/decisions/006-one-way-dependencies.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Question:
    def __init__(self, name: str, meaning: str):
        self.name = name
        self.meaning = meaning
        self._answer: Callable[..., Any] | None = None

    def answer_with(self, function: Callable[..., Any]) -> Callable[..., Any]:
        if self._answer is not None and self._answer is not function:
            raise ImproperlyConfigured(f"{self.name} is already answered by {self._answer!r}")
        self._answer = function
        return function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._answer is None:
            raise ImproperlyConfigured(f"No installed app answers {self.name} ({self.meaning}).")
        return self._answer(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Question {self.name}>"
