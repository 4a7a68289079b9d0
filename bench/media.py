"""Media processing speed on one core: how many uploads per second the job that processes
them (roost.media.processing, the code `POST /api/v1/media` runs) gets through.

Issue 13 asks for the figure in docs/benchmarks.md. The pictures are generated (a noisy
photo-like JPEG of 12 MP, as a phone takes, and a 1080p PNG screenshot) so that no binary
file is kept in the repository; each is processed as an upload is: decoded, turned
upright, bounded, a preview made, re-encoded without metadata, its blurhash computed.
"""

from __future__ import annotations

import io
import os
import time
from typing import Any

from PIL import Image

from roost.media.processing import process


def _photo(width: int, height: int) -> bytes:
    noise = Image.effect_noise((width, height), 64).convert("RGB")
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    Image.blend(noise, gradient, 0.5).save(out, "JPEG", quality=90)
    return out.getvalue()


def _screenshot(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    for y in range(0, height, 40):
        image.paste((30 + y % 200, 60, 90), (40, y + 8, width - 40, y + 24))
    # A photo in the page, as screenshots of timelines have: most of a PNG's bytes.
    photo = Image.effect_noise((width // 2, height // 2), 48).convert("RGB")
    image.paste(photo, (width // 4, height // 4))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def measure(seconds: float = 8.0) -> dict[str, Any]:
    """Uploads processed per second on one core, per kind of picture."""
    os.sched_setaffinity(0, {0})
    results: dict[str, Any] = {}
    try:
        for name, data in (
            ("photo_12mp_jpeg", _photo(4000, 3000)),
            ("screenshot_1080p_png", _screenshot(1920, 1080)),
        ):
            process(data)  # warm: imports, codecs
            done, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds or done < 3:
                process(data)
                done += 1
            elapsed = time.perf_counter() - t0
            results[name] = {
                "bytes": len(data),
                "processed": done,
                "per_second": round(done / elapsed, 2),
                "ms_each": round(1000 * elapsed / done, 1),
            }
    finally:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    return results
