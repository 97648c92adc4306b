"""Pictures for the demo, drawn with Pillow when `seed_demo` runs: a cover for every offer, a portrait for every person.

A cover shows the offer's category (its colours and an icon-like shape), a pattern derived from the title, and
the title itself; a portrait shows the person's initials on a colour derived from the username. Both are
deterministic and distinct, and both go through the upload pipeline (`core.images.sanitize_image`) into the
model field's storage, so they are stored like uploads, on disk or on S3 alike. A picture's file name is the
hash of its content: when a file of that name is stored already, it is that picture, and nothing is written.
"""

import functools
import hashlib
import io
import textwrap

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from core.images import sanitize_image

COVER_SIZE = (640, 360)
PORTRAIT_SIZE = (320, 320)
WHITE = (255, 255, 255)

# Per category: the gradient's dark and light end, and the accent of the label.
CATEGORIES = {
    "development": ("Software development", (22, 33, 62), (47, 94, 170), (255, 199, 95)),
    "web": ("Web development", (9, 72, 99), (32, 160, 150), (200, 255, 240)),
    "design": ("Graphic design", (110, 28, 86), (232, 96, 118), (255, 225, 150)),
    "mobile": ("Mobile apps", (38, 30, 92), (110, 90, 214), (190, 240, 255)),
    "marketing": ("Online marketing", (143, 54, 10), (242, 152, 48), (255, 244, 200)),
    "writing": ("Copywriting", (26, 72, 54), (88, 162, 112), (235, 255, 210)),
    "video": ("Video and animation", (32, 32, 40), (196, 48, 60), (255, 210, 210)),
}
# Portrait backgrounds, picked by the username's hash.
PORTRAIT_COLOURS = [
    (47, 94, 170),
    (32, 140, 132),
    (196, 72, 96),
    (110, 90, 214),
    (214, 120, 30),
    (70, 140, 90),
    (150, 60, 140),
    (60, 110, 150),
]


def _font(size):
    # Pillow's built-in font: no font file to ship or download (a bitmap font where FreeType is missing).
    return ImageFont.load_default(size=size)


def _digest(text):
    return hashlib.sha256(text.encode()).digest()


def _mix(start, end, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(start, end, strict=True))


def _encode(image):
    """The picture as the upload pipeline stores it: (bytes, extension)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    clean = sanitize_image(ContentFile(buffer.getvalue(), name="demo.jpg"))
    return clean.read(), clean.name.rsplit(".", 1)[1]


@functools.cache  # deterministic, and seeding runs many times in one test process
def offer_cover(title, category):
    label, dark, light, accent = CATEGORIES[category]
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, dark)
    draw = ImageDraw.Draw(image)
    for x in range(width):
        draw.line([(x, 0), (x, height)], fill=_mix(dark, light, x / width))

    # The title's own pattern: soft rings whose places and sizes come from the title's hash.
    overlay = Image.new("RGBA", COVER_SIZE, (0, 0, 0, 0))
    rings = ImageDraw.Draw(overlay)
    digest = _digest(title)
    for index in range(6):
        x, y, size = digest[3 * index] * width // 255, digest[3 * index + 1] * height // 255, 30 + digest[3 * index + 2]
        rings.ellipse([x - size, y - size, x + size, y + size], outline=(*WHITE, 40), width=6 + index * 2)
    image.paste(overlay, mask=overlay)

    draw = ImageDraw.Draw(image)
    _ICONS[category](draw, (48, 100, 208, 260))
    font, small = _font(34), _font(18)
    draw.text((250, 96), label.upper(), font=small, fill=accent)
    lines = textwrap.wrap(title, width=19)[:4]
    for number, line in enumerate(lines):
        draw.text((250, 128 + number * 42), line, font=font, fill=WHITE)
    return _encode(image)


@functools.cache
def portrait(first_name, last_name, username):
    initials = "".join(name[:1] for name in (first_name, last_name) if name).upper() or username[:2].upper()
    digest = _digest(username)
    background = PORTRAIT_COLOURS[digest[0] % len(PORTRAIT_COLOURS)]
    image = Image.new("RGB", PORTRAIT_SIZE, _mix(background, WHITE, 0.85))
    draw = ImageDraw.Draw(image)
    width, height = PORTRAIT_SIZE
    draw.ellipse([20, 20, width - 20, height - 20], fill=background)
    font = _font(120)
    left, top, right, bottom = draw.textbbox((0, 0), initials, font=font)
    draw.text(((width - right - left) / 2, (height - bottom - top) / 2), initials, font=font, fill=WHITE)
    return _encode(image)


class DemoPictures:
    """Stores demo pictures through a model field's storage, and remembers what it wrote (to undo a failed run)."""

    def __init__(self):
        self.written = []

    def store(self, model, field_name, picture):
        data, extension = picture
        field = model._meta.get_field(field_name)
        # Named like an upload (32 hex digits), but from the content instead of at random.
        name = field.generate_filename(None, f"{hashlib.sha256(data).hexdigest()[:32]}.{extension}")
        if field.storage.exists(name):
            return name
        name = field.storage.save(name, ContentFile(data))
        self.written.append((field.storage, name))
        return name

    def discard(self):
        """Delete the files this run wrote (its rows were rolled back)."""
        for storage, name in self.written:
            storage.delete(name)
        self.written.clear()


# The icon-like shapes, drawn in white into the box (left, top, right, bottom).
def _code(draw, box):
    left, top, right, bottom = box
    middle = (top + bottom) / 2
    draw.line([(left + 50, top + 30), (left, middle), (left + 50, bottom - 30)], fill=WHITE, width=14, joint="curve")
    draw.line([(right - 50, top + 30), (right, middle), (right - 50, bottom - 30)], fill=WHITE, width=14, joint="curve")
    draw.line([(left + 95, bottom - 10), (right - 95, top + 10)], fill=WHITE, width=14)


def _browser(draw, box):
    left, top, right, bottom = box
    draw.rounded_rectangle([left, top + 10, right, bottom - 10], radius=14, outline=WHITE, width=8)
    draw.line([(left, top + 46), (right, top + 46)], fill=WHITE, width=8)
    for index in range(3):
        x = left + 22 + index * 22
        draw.ellipse([x - 6, top + 22, x + 6, top + 34], fill=WHITE)
    draw.rectangle([left + 22, top + 66, left + 80, bottom - 32], fill=WHITE)
    for index in range(4):
        y = top + 70 + index * 22
        draw.line([(left + 96, y), (right - 22, y)], fill=WHITE, width=8)


def _palette(draw, box):
    left, top, right, bottom = box
    size = (right - left) * 0.62
    for x, y in ((left, top + 10), (right - size, top + 10), ((left + right - size) / 2, bottom - size - 4)):
        draw.ellipse([x, y, x + size, y + size], outline=WHITE, width=9)


def _phone(draw, box):
    left, top, right, bottom = box
    centre = (left + right) / 2
    draw.rounded_rectangle([centre - 52, top, centre + 52, bottom], radius=18, outline=WHITE, width=9)
    draw.line([(centre - 16, top + 18), (centre + 16, top + 18)], fill=WHITE, width=7)
    draw.ellipse([centre - 10, bottom - 30, centre + 10, bottom - 10], outline=WHITE, width=5)


def _chart(draw, box):
    left, top, right, bottom = box
    for index, share in enumerate((0.3, 0.5, 0.7, 0.95)):
        x = left + 12 + index * 44
        draw.rectangle([x, bottom - (bottom - top - 20) * share, x + 28, bottom], fill=WHITE)
    draw.line(
        [(left, bottom - 60), (left + 70, bottom - 110), (left + 110, bottom - 90), (right, top)], fill=WHITE, width=7
    )


def _page(draw, box):
    left, top, right, bottom = box
    fold = 40
    outline = [
        (left + 20, top),
        (right - 20 - fold, top),
        (right - 20, top + fold),
        (right - 20, bottom),
        (left + 20, bottom),
    ]
    draw.polygon(outline, outline=WHITE, width=8)
    draw.line(
        [(right - 20 - fold, top), (right - 20 - fold, top + fold), (right - 20, top + fold)], fill=WHITE, width=6
    )
    for index in range(5):
        y = top + 62 + index * 20
        draw.line([(left + 42, y), (right - 42 - (index % 2) * 30, y)], fill=WHITE, width=7)


def _play(draw, box):
    left, top, right, bottom = box
    draw.ellipse(box, outline=WHITE, width=10)
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    draw.polygon(
        [(centre_x - 26, centre_y - 42), (centre_x - 26, centre_y + 42), (centre_x + 46, centre_y)], fill=WHITE
    )


_ICONS = {
    "development": _code,
    "web": _browser,
    "design": _palette,
    "mobile": _phone,
    "marketing": _chart,
    "writing": _page,
    "video": _play,
}
