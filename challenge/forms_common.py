"""Field helpers shared by several areas' forms."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .money import MoneyError, parse_wan
from .timeutil import DayError, local_today, parse_day


def _text_never_none(value):
    return "" if value is None else value


class TextNeverNone:
    """Form Meta: a text box missing from what was posted (a stale page, a hand-made request)
    reads as empty, as a browser sends an empty box, so no code meets None where it expects a
    string (`form.title.data.strip()`)."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):
            declared = unbound_field.kwargs.get("filters", ())
            options = {**options, "filters": [*declared, _text_never_none]}
        return super().bind_field(form, unbound_field, options)


class AppForm(FlaskForm):
    """The base of every form of the app (tests/security/test_no500.py checks it)."""

    class Meta(TextNeverNone):
        pass


class SubForm(Form):
    """The base of every repeated sub-form (FieldList rows), CSRF-less like wtforms.Form."""

    class Meta(TextNeverNone):
        pass


def options(pairs) -> list[SelectChoice]:
    """Choices for SelectField/RadioField from (value, label) pairs or a LabelledEnum."""
    if isinstance(pairs, type):
        pairs = pairs.choices()
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WanField(StringField):
    """An amount typed in 万元; `.fen` holds the exact integer 分 after validation."""

    fen: int | None = None

    def __init__(self, label=None, validators=None, minimum_fen: int = 1, required: bool = True,
                 **kw):
        kw.setdefault("render_kw", {"inputmode": "decimal", "placeholder": "万元"})
        super().__init__(label, validators, **kw)
        self.minimum_fen = minimum_fen
        self.required = required

    def pre_validate(self, form):
        self.fen = None
        text = (self.data or "").strip()
        if not text:
            if not self.required:
                return
            raise ValidationError(_l("请填写金额（单位：万元）。"))
        try:
            self.fen = parse_wan(text, minimum_fen=self.minimum_fen)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from None


class DateStringField(StringField):
    """A YYYY-MM-DD date with a Chinese error message; `.date` holds the parsed value."""

    date: dt.date | None = None

    def __init__(self, label=None, validators=None, future: bool = False, **kw):
        kw.setdefault("render_kw", {"type": "date", "placeholder": "YYYY-MM-DD"})
        super().__init__(label, validators, **kw)
        self.future = future

    def pre_validate(self, form):
        self.date = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.date = parse_day(text)
        except DayError as exc:
            raise ValidationError(str(exc)) from None
        if self.future and self.date <= local_today():
            raise ValidationError(_l("日期必须晚于今天。"))
