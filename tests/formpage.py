"""What a browser would send for a form on a rendered page: the successful controls of the
HTML (checked boxes only, the selected option, textarea text), read with the standard
library's parser. Tests post these back to prove a form round-trips what it was filled with."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

_SKIPPED_INPUTS = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.template = 0  # <template> content is not part of the form
        self.pairs: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option: list[str] | None = None
        self.option_attrs: dict = {}
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and not self.inside and (self.form_id is None or a.get("id") == self.form_id):
            self.inside, self.depth = True, 0
            return
        if not self.inside:
            return
        if tag == "form":
            self.depth += 1
        elif tag == "template":
            self.template += 1
        if self.template or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in _SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            else:
                self.pairs.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.option, self.option_attrs = [], a
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.option is not None:
            self.option.append(data)
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "template":
            self.template -= 1
        elif tag == "option" and self.option is not None:
            value = self.option_attrs.get("value", "".join(self.option).strip())
            self.options.append((value, "selected" in self.option_attrs))
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected] or [
                v for v, _ in self.options[:1]]
            self.pairs.extend((self.select, v) for v in chosen[:1])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.text).replace("\r\n", "\n").replace("\r", "\n")
            text = text[1:] if text.startswith("\n") else text  # as the HTML parser drops it
            self.pairs.append((self.textarea, text.replace("\n", "\r\n")))  # as browsers send
            self.textarea = None
        elif tag == "form":
            if self.depth == 0:
                self.inside = False
            else:
                self.depth -= 1


def form_values(html: str, form_id: str | None = None) -> MultiDict:
    """The name/value pairs of the form (the first one, or the one with *form_id*)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    return MultiDict(reader.pairs)
