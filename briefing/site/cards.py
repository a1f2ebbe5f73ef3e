"""Share cards: the 1200×630 PNG a link preview shows (Open Graph / Twitter), one per category.

Drawn at build time with Pillow from the site's name, the category's name and the theme's colours;
no network, no template engine. The Korean font is looked for among the usual system paths (Nanum,
Noto CJK); without one the card is drawn without text rather than with empty boxes, and the build
goes on. ``write_cards`` writes a card only when its bytes changed, so rebuilds touch nothing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
BRAND = (11, 95, 90)  # the theme's accent (#0b5f5a), see theme/static/css/main.css
BRAND_DARK = (8, 61, 58)
PAPER = (255, 255, 255)
MIST = (214, 236, 232)
# Bold first: the card's text is a title. Debian/Ubuntu paths of fonts-nanum and fonts-noto-cjk.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "C:/Windows/Fonts/malgunbd.ttf",
)


@dataclass(frozen=True)
class Card:
    """One card: its file stem (``site`` or a category slug), big title and the line under it."""

    slug: str
    title: str
    subtitle: str


def find_font(candidates: Sequence[str] = FONT_CANDIDATES) -> Path | None:
    """The first Korean font file present, or None."""
    for path in candidates:
        if Path(path).is_file():
            return Path(path)
    return None


def _fit(draw, text: str, font_path: Path, start: int, width: int):
    """The largest font size from ``start`` down at which ``text`` fits in ``width`` pixels."""
    from PIL import ImageFont

    size = start
    while True:
        font = ImageFont.truetype(str(font_path), size)
        if draw.textlength(text, font=font) <= width or size <= 28:
            return font
        size -= 4


def draw_mark(draw, x: int, y: int, size: int) -> None:
    """The logo (theme/static/favicon.svg): a page with a folded corner and two lines of text."""
    unit = size / 32
    draw.rounded_rectangle((x, y, x + size, y + size), radius=int(7 * unit), fill=PAPER)

    def box(a: float, b: float, c: float, d: float, fill) -> None:
        draw.rectangle((x + a * unit, y + b * unit, x + c * unit, y + d * unit), fill=fill)

    draw.polygon(
        [
            (x + 9 * unit, y + 6 * unit),
            (x + 19 * unit, y + 6 * unit),
            (x + 24 * unit, y + 11 * unit),
            (x + 24 * unit, y + 26 * unit),
            (x + 9 * unit, y + 26 * unit),
        ],
        fill=BRAND,
    )
    draw.polygon(
        [(x + 19 * unit, y + 6 * unit), (x + 24 * unit, y + 11 * unit), (x + 19 * unit, y + 11 * unit)],
        fill=MIST,
    )
    box(12, 14, 21, 16, PAPER)
    box(12, 18.5, 21, 20.5, PAPER)
    box(12, 23, 17, 24.5, PAPER)


def render_card(card: Card, site_name: str, font_path: Path | None) -> bytes:
    """The card as PNG bytes; text is left out when ``font_path`` is None."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill=BRAND_DARK)
    draw_mark(draw, 80, 72, 96)
    if font_path is not None:
        name = ImageFont.truetype(str(font_path), 44)
        draw.text((200, 120), site_name, font=name, fill=PAPER, anchor="lm")
        title = _fit(draw, card.title, font_path, 112, WIDTH - 160)
        draw.text((80, 330), card.title, font=title, fill=PAPER, anchor="lm")
        sub = _fit(draw, card.subtitle, font_path, 40, WIDTH - 160)
        draw.text((80, 470), card.subtitle, font=sub, fill=MIST, anchor="lm")
    else:  # no Korean font: bars where the words would be, never tofu boxes
        draw.rounded_rectangle((80, 300, 760, 360), radius=12, fill=MIST)
        draw.rounded_rectangle((80, 450, 1000, 480), radius=8, fill=BRAND_DARK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def site_cards(site_name: str, subtitle: str, categories: Iterable) -> list[Card]:
    """The site's own card and one per category (anything with ``slug`` and ``name``)."""
    cards = [Card("site", site_name, subtitle)]
    cards += [Card(c.slug, c.name, f"{c.name} 분야 정부 보도자료 요약") for c in categories]
    return cards


def write_cards(
    folder: Path, cards: Iterable[Card], site_name: str, font_path: Path | None = None
) -> list[Path]:
    """``<folder>/<slug>.png`` for each card, written (atomically) only when the bytes changed."""
    from briefing.store import write_atomic

    if font_path is None:
        font_path = find_font()
        if font_path is None:
            log.warning("no Korean font found (fonts-nanum): share cards are drawn without text")
    written = []
    for card in cards:
        target = folder / f"{card.slug}.png"
        if write_atomic(target, render_card(card, site_name, font_path), durable=False):
            written.append(target)
    return written
