"""Make pipelines/picture/geo/kommuner.geojson from the shared outlines (run offline, once):

    .venv/bin/python -m pipelines.picture.geo.prepare_outlines ../shared/data/geo/kommuner.geojson

The same 290 outlines, smaller and ready for Vega-Lite:
- coordinates rounded to 4 decimals (about 11 m north–south, 6 m east–west; the shared
  outlines are already simplified to ~2 % of their points, far coarser than that), and a
  point equal to the one before dropped;
- every ring reversed: the shared file follows RFC 7946 (exterior rings counter-clockwise),
  while d3-geo, which Vega draws with, takes a ring's inside to be on its right (exterior
  clockwise); unreversed, each municipality would be drawn as the whole globe minus itself;
- properties kept: id (SCB code), kom_namn, lan_code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DECIMALS = 4
TARGET = Path(__file__).parent / "kommuner.geojson"


def _ring(ring: list) -> list:
    out = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out[::-1]


def prepare(source: Path) -> dict:
    data = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for f in sorted(data["features"], key=lambda f: f["properties"]["id"]):
        g = f["geometry"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        polygons = [[_ring(r) for r in p] for p in polygons]
        geometry = ({"type": "Polygon", "coordinates": polygons[0]} if g["type"] == "Polygon"
                    else {"type": "MultiPolygon", "coordinates": polygons})
        p = f["properties"]
        features.append({"type": "Feature", "properties": {"id": p["id"], "kom_namn": p["kom_namn"],
                                                           "lan_code": p["lan_code"]}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else Path("../shared/data/geo/kommuner.geojson")
    TARGET.write_text(json.dumps(prepare(source), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"skrev {TARGET} ({TARGET.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
