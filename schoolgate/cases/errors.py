"""The one error a change to a case raises when it cannot be made."""


class CaseError(ValueError):
    """A change that cannot be made; the message is shown to the member of staff."""


class LetterChanged(CaseError):
    """The letter was edited after it was checked (or while its PDF was being made): nothing was sent."""
