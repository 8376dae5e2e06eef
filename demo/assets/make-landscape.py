#!/usr/bin/env python3
"""Draws demo/assets/landscape.png, the photo the demo's blur section blurs: a sunset over
mountains and a lake, with stars, pines and reflections, so that blurring shows. Pure Python
(zlib only) and deterministic; run it again to regenerate the committed file.

    python3 demo/assets/make-landscape.py
"""
import math
import os
import random
import struct
import zlib

W, H = 560, 360
HORIZON = int(H * 0.64)  # the lake's shore line
rng = random.Random(7)


def mix(a, b, t):
    t = max(0.0, min(1.0, t))
    return tuple(x + (y - x) * t for x, y in zip(a, b))


def sky(y):
    """The sky's colour at row y (0 = top): night blue, violet, rose, then a warm horizon."""
    stops = [(0.0, (14, 16, 48)), (0.30, (58, 32, 96)), (0.55, (196, 78, 120)),
             (0.80, (250, 150, 96)), (1.0, (255, 214, 140))]
    t = y / HORIZON
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        if t <= t1:
            return mix(c0, c1, (t - t0) / (t1 - t0))
    return stops[-1][1]


SUN = (W * 0.66, HORIZON - H * 0.16, H * 0.13)  # x, y, radius


def ridge(seed, base, amp, octaves):
    """A mountain ridge: for each column, the row where the mountain starts."""
    r = random.Random(seed)
    waves = [(r.uniform(0.5, 1.0) / (2 ** k), r.uniform(1.5, 3.0) * (2 ** k), r.uniform(0, 6.3))
             for k in range(octaves)]
    return [base - amp * sum(a * math.sin(f * x / W * math.pi + p) for a, f, p in waves)
            - amp * 0.6 * abs(math.sin(x / W * math.pi * 1.3 + seed)) for x in range(W)]


LAYERS = [  # far to near: ridge, colour
    (ridge(1, HORIZON - 60, 38, 6), (120, 70, 130)),
    (ridge(2, HORIZON - 28, 30, 6), (70, 42, 96)),
    (ridge(3, HORIZON - 4, 22, 7), (32, 22, 58)),
]

STARS = {(rng.randrange(W), rng.randrange(int(HORIZON * 0.6))): rng.uniform(0.4, 1.0) for _ in range(260)}

# Pines on the left shore: (x, base row, height, half width).
PINES = [(x, HORIZON + rng.randint(-2, 3), rng.randint(34, 78), 0) for x in range(8, 170, 13)]
PINES = [(x, b, h, h * 0.22) for x, b, h, _ in PINES] + [(W - 26, HORIZON + 1, 60, 14), (W - 44, HORIZON + 2, 44, 10)]


def scene(x, y):
    """The colour of the world above the water at (x, y)."""
    for px, base, h, half in PINES:
        if base - h <= y <= base + 2:
            t = (y - (base - h)) / h  # 0 at the tip
            tiers = 0.55 + 0.45 * ((t * 4) % 1.0)  # a pine's stacked tiers
            if abs(x - px) <= half * t * tiers + 0.8:
                return (12, 10, 26)
    for edge, colour in reversed(LAYERS):
        if y >= edge[x]:
            haze = mix(colour, sky(HORIZON * 0.9), 0.25 * (HORIZON - y) / 60)
            return haze
    c = sky(y)
    sx, sy, sr = SUN
    d = math.hypot(x - sx, y - sy)
    glow = max(0.0, 1.0 - d / (sr * 3.2)) ** 2
    c = mix(c, (255, 190, 120), glow * 0.7)
    if d <= sr:  # the sun, paler at the top
        c = mix((255, 236, 150), (255, 120, 80), (y - (sy - sr)) / (2 * sr))
    star = STARS.get((x, y))
    if star and d > sr * 1.6:
        c = mix(c, (255, 255, 240), star * (1 - y / HORIZON * 1.4))
    return c


def pixel(x, y):
    if y < HORIZON:
        return scene(x, y)
    # The lake: the mirrored scene, rippled, darker and bluer with depth.
    depth = (y - HORIZON) / (H - HORIZON)
    ripple = math.sin(y * 0.9 + math.sin(x * 0.05) * 2) * (1 + 6 * depth)
    mx = int(max(0, min(W - 1, x + ripple)))
    my = max(0, 2 * HORIZON - y - 1)
    c = mix(scene(mx, my), (18, 22, 60), 0.35 + 0.4 * depth)
    if int(y * 1.7) % 5 == 0:  # glints
        c = mix(c, (255, 200, 150), 0.12 * (1 - depth))
    return c


def png(width, height, rows):
    """A truecolour PNG, each row with the Paeth filter."""
    raw = bytearray()
    prev = bytes(width * 3)
    for row in rows:
        raw.append(4)
        for i, v in enumerate(row):
            a = row[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            raw.append((v - pred) & 255)
        prev = row

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(bytes(raw), 9)) + chunk(b'IEND', b''))


rows = [bytes(int(round(v)) for x in range(W) for v in pixel(x, y)) for y in range(H)]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'landscape.png')
with open(out, 'wb') as f:
    f.write(png(W, H, rows))
print(f'{out}: {W}x{H}, {os.path.getsize(out)} bytes')
