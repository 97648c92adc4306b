"""Plain text: the one rule that keeps client-written text from running as markup in the frontend.

The frontend inserts the API's strings into its pages with `innerHTML` and keeps the user's token in
`localStorage`, so a text that another user sees must never contain something a browser reads as a tag.
`PlainTextValidator` holds the rule; models put it on their free-text fields (so the admin and the demo data
obey it), serializers get it from there or name it themselves, and `neutralise_markup()` repairs text stored
before the rule existed (the data migrations run it through `neutralise_stored_markup()`).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MARKUP_NOT_ALLOWED = _(
    'Plain text only: remove the HTML tag. A "<" followed by a letter, "/", "!" or "?" starts a tag; '
    'to write "less than", put a space after the "<", as in "a < b".'
)

# For the OpenAPI descriptions and the admin's help texts (which Django renders as HTML: keep it free of
# anything a browser would read as markup).
PLAIN_TEXT_HELP = (
    'Plain text, stored and answered unchanged. Markup is refused with a 400 naming the field: a "<" directly '
    'followed by a letter, "/", "!" or "?" (also as an HTML character reference), or a tag written '
    'with a space after its "<". Texts such as "a < b", "<3", "5 <= 7" and "Q&A" are fine.'
)

# "<" and ">" as written, or as the HTML character references a browser decodes to them (named, decimal,
# hexadecimal, zero-padded, with or without the semicolon, in any case).
_LT = r"(?:<|&(?i:lt|#0*60|#x0*3c);?)"
_GT = r"(?:>|&(?i:gt|#0*62|#x0*3e);?)"
# One character inside a tag: anything up to the next "<" or ">" (in either form).
_IN_TAG = rf"(?:(?!{_LT}|{_GT}).)"
_NAME = r"[A-Za-z][\w:.-]*"
# Each part below can match in one way only (no nested or adjacent repeats of the same characters), so a long
# hostile text costs linear time, not quadratic.
_TAG_START = rf"{_LT}[A-Za-z/!?]"
_SPACED_TAG = (
    rf"{_LT}\s+(?:[/!?]{_IN_TAG}*?{_GT}"  # < /script>, < !-- -->
    rf"|{_NAME}\s*(?:/\s*)?{_GT}"  # < script>, < br />
    rf"|{_NAME}[\s/](?:(?!{_LT}|{_GT}|=).)*={_IN_TAG}*?{_GT})"  # < img src=x>, < svg/onload=...>
)
_MARKUP = re.compile(rf"{_TAG_START}|{_SPACED_TAG}", re.DOTALL)

_CLOSED_TAG = re.compile(rf"{_TAG_START}{_IN_TAG}*{_GT}", re.DOTALL)
_OPEN_TAG = re.compile(rf"({_LT})(?=[A-Za-z/!?])")
_SPACED_TAG_LT = re.compile(rf"{_LT}(?=\s+(?:[/!?]|{_NAME}))")
_MAX_PASSES = 8


def contains_markup(text):
    """Whether `text` holds something the browser could read as markup (see PlainTextValidator)."""
    if "<" not in text and "&" not in text:
        return False
    return _MARKUP.search(text) is not None


@deconstructible
class PlainTextValidator:
    """Refuses markup in a text, or in any text of a list (a package's `features`).

    The rule follows the HTML tokenizer: a "<" opens a tag, an end tag, a comment, a doctype or a
    processing instruction only when a letter (`<img`, `<IMG`, `<svg/onload=...>`), "/", "!" or "?" follows
    it directly. Such a "<" is refused even without a closing ">" (`<img src=x onerror=...`): the frontend
    joins strings into one innerHTML, so a ">" of its own template can close the tag later.

    Two more forms are refused as defence in depth, though a browser shows them as text today:
    - a spaced tag: a "<", whitespace, and then "/", "!" or "?" or a tag name, when a ">" follows before the
      next "<" and the part in between reads as a tag: the name alone (`< script>`, `< br />`) or the name
      with an attribute (`< img src=x onerror=...>`, `< svg/onload=...>`). So `a < b` stays legal and so does
      `a < b and c > d` (no attribute), while `x < y = 1 > z` is refused (it reads like one);
    - the same forms written with character references (`&lt;script&gt;`, `&#60;img`, `&#x3c;/p`), which
      innerHTML turns back into "<" on display.

    Everything else is plain text: `a < b`, `<3`, `5 <= 7`, `<-`, `Q&A`, `&lt;3`, quotes, emoji, umlauts.
    A double-encoded `&amp;lt;script` shows as the text "&lt;script" and is allowed.
    """

    message = MARKUP_NOT_ALLOWED
    code = "markup"

    def __call__(self, value):
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and contains_markup(text) for text in texts):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator)

    def __hash__(self):
        return hash(PlainTextValidator)


def neutralise_markup(text):
    """`text` without markup, keeping what a reader saw; plain text comes back unchanged.

    Closed tags (`<b>`, `</p>`, `<img src=x onerror=...>`, also entity-encoded) are removed, as the browser
    showed no text for them. A tag start that is never closed (`a<b`, `<img src=x`) keeps its characters and
    gets a space after its "<". The "<" of a spaced tag is dropped. Removing a tag can join its neighbours into
    a new one (`<<b>img>`), so this repeats; text nested deeper than a few passes loses every "<" and "&".
    """
    for _pass in range(_MAX_PASSES):
        if not contains_markup(text):
            return text
        text = _CLOSED_TAG.sub("", text)
        text = _OPEN_TAG.sub(r"\1 ", text)
        text = _SPACED_TAG_LT.sub(lambda match: "" if _MARKUP.match(match.string, match.start()) else match[0], text)
    return text if not contains_markup(text) else re.sub(r"[<&]", "", text)


def _neutralised(value):
    """The value (a text or a list of texts) without markup; `value` itself when it has none."""
    if isinstance(value, str):
        return neutralise_markup(value) if contains_markup(value) else value
    if isinstance(value, list) and any(isinstance(item, str) and contains_markup(item) for item in value):
        return [neutralise_markup(item) if isinstance(item, str) else item for item in value]
    return value


def neutralise_stored_markup(model, fields, *, cleared=(), using="default", chunk_size=1000):
    """Rewrite the rows of `model` whose `fields` hold markup; returns how many rows changed.

    For data migrations (`model` from `apps.get_model`). Fields in `cleared` are emptied instead of repaired
    (an email address with markup cannot be repaired into the user's address). Rows are read and written in
    chunks and only the changed rows are kept in memory; `updated_at` is left alone, so no list changes its
    order. Running it again changes nothing.
    """
    names = [*fields, *cleared]
    rows = model._base_manager.using(using)
    changed = []
    for row in rows.order_by("pk").values("pk", *names).iterator(chunk_size=chunk_size):
        values = {name: _neutralised(row[name]) for name in fields}
        values |= {name: "" if contains_markup(row[name] or "") else row[name] for name in cleared}
        if any(values[name] != row[name] for name in names):
            changed.append(model(pk=row["pk"], **values))
    # Written after the read, not between its chunks: SQLite does not isolate a running read from writes.
    rows.bulk_update(changed, names, batch_size=chunk_size)
    return len(changed)


def markup_migration(app_label, fields_by_model, *, cleared_by_model=None):
    """The RunPython function of a data migration that neutralises the app's stored markup.

    `fields_by_model` maps model names to the fields to repair, `cleared_by_model` to fields to empty. The
    function prints how many rows it changed (when it changed any); a second run changes none.
    """
    cleared_by_model = cleared_by_model or {}

    def neutralise(apps, schema_editor):
        using = schema_editor.connection.alias if schema_editor else "default"
        changed = 0
        for model_name in {**fields_by_model, **cleared_by_model}:
            model = apps.get_model(app_label, model_name)
            changed += neutralise_stored_markup(
                model,
                fields_by_model.get(model_name, ()),
                cleared=cleared_by_model.get(model_name, ()),
                using=using,
            )
        if changed:
            print(f"\n    Neutralised {changed} {app_label} row{'s' if changed != 1 else ''} that held markup.")
        return changed

    return neutralise
