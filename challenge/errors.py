"""Errors as data: a refusal the user is shown, where it belongs on the page."""

from collections.abc import Iterable

from .locales import punctuation


class Problem(str):
    """A guard's problem that belongs next to one form field (*field*), e.g. the 面向全球发布
    box: the door then names that field in its refusal (a plain str belongs to the page)."""

    field: str | None

    def __new__(cls, message, field: str | None = None) -> "Problem":
        problem = super().__new__(cls, str(message))
        problem.field = field
        return problem


class Refused(Exception):
    """An operation or transition refused, in words for the user.

    *field* names the form field the refusal belongs next to (None: the page as a whole);
    *items* holds each problem when there are several (the message then joins them)."""

    def __init__(self, message: str = "", field: str | None = None, items: Iterable[str] = ()):
        self.items = tuple(str(item) for item in items)
        self.joined = not str(message)  # the message is only the items, joined
        self.message = str(message) or punctuation("；").join(self.items)
        self.field = field
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
