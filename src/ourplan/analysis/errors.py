"""The one exception type raised by ``ourplan.analysis`` for unusable input."""

from __future__ import annotations


class AnalysisError(ValueError):
    """Input that a statistical method cannot use, with a message fit to show a person.

    It subclasses :class:`ValueError` so generic callers can still catch it, while the
    CLI and views can catch it specifically and print ``str(error)`` unchanged.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
