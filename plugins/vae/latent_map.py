"""The latent map: test-set encodings as coloured dots on a square picture, and the
conversion between picture pixels and map coordinates (u, v).

For a 2-D variant (u, v) *is* z. For a higher-dimensional one the map shows a plane through
three chosen encodings a, b, c: z(u, v) = a + u·(b − a) + v·(c − a); every test encoding is
drawn at its least-squares (u, v) on that plane.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

# Matplotlib's tab10: ten colours that stay distinct, one per digit.
PALETTE = np.array([[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
                    [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]],
                   dtype=np.uint8)
FONT_SIZE = 13
THUMBNAIL_SCALE = 2
"""Anchor digits are drawn 56×56 px on the map."""


@dataclass(frozen=True)
class MapFrame:
    """A square plot of map coordinates [lo, hi]² drawn ``size`` px wide, inside a margin.

    Pixel (0, 0) is the picture's top-left; v grows upwards as on a usual plot.
    """

    lo: float
    hi: float
    size: int = 400
    margin: int = 30
    legend: int = 44

    @property
    def centre(self) -> float:
        return (self.lo + self.hi) / 2

    @property
    def width(self) -> int:
        return self.size + 2 * self.margin

    @property
    def height(self) -> int:
        return self.size + 2 * self.margin + self.legend

    def to_pixel(self, uv: np.ndarray) -> np.ndarray:
        """(N, 2) map coordinates -> (N, 2) float pixel (x, y)."""
        t = (uv - self.lo) / (self.hi - self.lo)
        return np.stack([self.margin + t[:, 0] * self.size, self.margin + (1 - t[:, 1]) * self.size], axis=1)

    def to_map(self, x: float, y: float, snap: int = 0) -> tuple[float, float] | None:
        """Pixel (x, y) -> map (u, v), or None when the pixel is outside the plot area. ``snap``: a
        pixel up to that far outside is moved to the nearest edge (a drag that overshoots)."""
        tx, ty = (x - self.margin) / self.size, (y - self.margin) / self.size
        slack = snap / self.size
        if not (-slack <= tx <= 1 + slack and -slack <= ty <= 1 + slack):
            return None
        tx, ty = min(max(tx, 0.0), 1.0), min(max(ty, 0.0), 1.0)
        span = self.hi - self.lo
        return self.lo + tx * span, self.lo + (1 - ty) * span


def plane_coordinates(points: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
    """Least-squares (u, v) of ``points`` (N, d) on the plane through ``anchors`` (3, d)."""
    basis = torch.stack([anchors[1] - anchors[0], anchors[2] - anchors[0]], dim=1)   # (d, 2)
    solution = torch.linalg.lstsq(basis, (points - anchors[0]).T).solution             # (2, N)
    return solution.T


def plane_point(anchors: torch.Tensor, u: float | torch.Tensor, v: float | torch.Tensor) -> torch.Tensor:
    """z(u, v) = a + u·(b − a) + v·(c − a): anchors (3, d), floats -> (d,); (N, 1) tensors -> (N, d)."""
    return anchors[0] + u * (anchors[1] - anchors[0]) + v * (anchors[2] - anchors[0])


def font(size: int = FONT_SIZE) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's built-in scalable font at ``size`` px (its bitmap font is 11 px and hard to read)."""
    return ImageFont.load_default(size=size)


def render_map(uv: np.ndarray, labels: np.ndarray, frame: MapFrame, title: str,
               anchors_uv: np.ndarray | None = None, anchor_images: np.ndarray | None = None) -> np.ndarray:
    """Draw the dots, grid, axes and legend; returns an RGB uint8 array (H, W, 3). With
    ``anchors_uv`` (3, 2) the anchors a, b, c are ringed, and with ``anchor_images`` (3, 28, 28)
    uint8 each is shown beside its ring, so a reader sees which digits span the plane."""
    canvas = np.full((frame.height, frame.width, 3), 255, dtype=np.uint8)
    image = Image.fromarray(canvas)
    draw = ImageDraw.Draw(image)
    text = font()
    m, s = frame.margin, frame.size
    for tick in np.arange(np.ceil(frame.lo), np.floor(frame.hi) + 1):
        x, y = frame.to_pixel(np.array([[tick, tick]]))[0]
        draw.line([(x, m), (x, m + s)], fill=(235, 235, 235))
        draw.line([(m, y), (m + s, y)], fill=(235, 235, 235))
        draw.text((x - 4, m + s + 3), f"{tick:g}", fill=(90, 90, 90), font=text)
        draw.text((6, y - 8), f"{tick:g}", fill=(90, 90, 90), font=text)
    draw.rectangle([m, m, m + s, m + s], outline=(160, 160, 160))
    draw.text((m, m + s + 38), title, fill=(40, 40, 40), font=text)
    canvas = np.array(image)
    pixels = np.round(frame.to_pixel(uv)).astype(int)
    inside = (pixels[:, 0] > m) & (pixels[:, 0] < m + s - 1) & (pixels[:, 1] > m) & (pixels[:, 1] < m + s - 1)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            canvas[pixels[inside, 1] + dy, pixels[inside, 0] + dx] = PALETTE[labels[inside] % 10]
    image = Image.fromarray(canvas)
    draw = ImageDraw.Draw(image)
    if anchors_uv is not None:
        pixels = frame.to_pixel(anchors_uv)
        centre_x, centre_y = pixels.mean(0)
        for i, (name, (x, y)) in enumerate(zip("abc", pixels)):
            draw.ellipse([x - 5, y - 5, x + 5, y + 5], outline=(0, 0, 0), width=2)
            if anchor_images is None:
                draw.text((x + 7, y - 9), name, fill=(0, 0, 0), font=text)
                continue
            side = 28 * THUMBNAIL_SCALE
            # Away from the anchors' centre, where the dots and the cross-hair usually are.
            left = x + 8 if x > centre_x else x - 8 - side
            top = y + 8 if y > centre_y else y - 8 - side
            left = int(min(max(left, m + 2), m + s - side - 2))
            top = int(min(max(top, m + 2), m + s - side - 2))
            thumbnail = Image.fromarray(anchor_images[i]).resize((side, side), Image.Resampling.NEAREST)
            image.paste(thumbnail.convert("RGB"), (left, top))
            draw.rectangle([left - 1, top - 1, left + side, top + side], outline=(0, 0, 0))
            draw.text((left + 3, top + 1), name, fill=(255, 210, 0), font=text)
    top = m + s + 20
    for digit in range(10):
        x = m + digit * (s // 10)
        draw.rectangle([x, top, x + 10, top + 10], fill=tuple(int(c) for c in PALETTE[digit]))
        draw.text((x + 14, top - 2), str(digit), fill=(40, 40, 40), font=text)
    return np.array(image)


def with_marker(base: np.ndarray, frame: MapFrame, u: float, v: float) -> np.ndarray:
    """A copy of the map with a cross-hair at (u, v)."""
    image = Image.fromarray(base.copy())
    draw = ImageDraw.Draw(image)
    x, y = frame.to_pixel(np.array([[u, v]]))[0]
    draw.line([(x - 9, y), (x + 9, y)], fill=(0, 0, 0), width=3)
    draw.line([(x, y - 9), (x, y + 9)], fill=(0, 0, 0), width=3)
    draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=(255, 255, 255), outline=(0, 0, 0))
    return np.array(image)
