"""Small region data dirs for tests of several municipalities (DATA-CONTRACT §6): the sample
as one municipality folder, and neighbours with only a municipality.yaml of their own."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
NEIGHBOURS = {"0360": "Tierp", "0319": "Älvkarleby"}


def municipality_yaml(code: str, name: str) -> str:
    """The sample's municipality.yaml under another code and name (areas and all)."""
    text = (SAMPLE / "municipality.yaml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^code: .*$', f'code: "{code}"', text)
    return re.sub(r"(?m)^name: .*$", f"name: {name}", text)


def make_region_dir(base: Path, neighbours: dict[str, str] = NEIGHBOURS) -> Path:
    """base/data/kommuner/0382-osthammar (a copy of the sample) and one folder per neighbour
    (<code>-<name>/municipality.yaml), every file settled (copied long ago)."""
    data_dir = base / "data"
    shutil.copytree(SAMPLE, data_dir / "kommuner" / "0382-osthammar")
    for code, name in neighbours.items():
        folder = data_dir / "kommuner" / f"{code}-{name.lower().replace('ä', 'a')}"
        folder.mkdir(parents=True)
        (folder / "municipality.yaml").write_text(municipality_yaml(code, name), encoding="utf-8")
    settled = time.time() - 60
    for path in data_dir.rglob("*"):
        os.utime(path, (settled, settled))
    return data_dir
