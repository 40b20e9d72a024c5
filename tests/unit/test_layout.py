"""The data dir's layout: one municipality or a region (DATA-CONTRACT §6)."""

from pipelines import layout
from pipelines.settings import Settings


def _municipality(folder, code, name):
    folder.mkdir(parents=True)
    (folder / "municipality.yaml").write_text(f'code: "{code}"\nname: {name}\n', encoding="utf-8")


def test_single_municipality_data_dir_is_its_own_folder(tmp_path):
    _municipality(tmp_path / "d", "0382", "Östhammar")
    (entry,) = layout.municipality_dirs(tmp_path / "d")
    assert (entry.code, entry.name, entry.prefix, entry.path) == ("0382", "Östhammar", "", tmp_path / "d")
    assert not layout.is_region(tmp_path / "d")
    assert layout.owner_of("partners/a.csv", [entry]) == "0382"
    assert layout.shared_source_dir(tmp_path / "d", "police/events") is None


def test_region_lists_municipality_folders_with_code_from_the_yaml(tmp_path):
    data = tmp_path / "region"
    _municipality(data / "kommuner" / "0360-tierp", "0360", "Tierp")
    _municipality(data / "kommuner" / "osthammar", "0382", "Östhammar")  # the folder name is only for people
    (data / "kommuner" / "0319-alvkarleby").mkdir()  # no municipality.yaml yet: listed, code from the name
    dirs = layout.municipality_dirs(data)
    assert [(d.code, d.name, d.prefix) for d in dirs] == [
        ("0319", "alvkarleby", "kommuner/0319-alvkarleby/"),
        ("0360", "Tierp", "kommuner/0360-tierp/"),
        ("0382", "Östhammar", "kommuner/osthammar/"),
    ]
    assert layout.owner_of("kommuner/osthammar/partners/a.csv", dirs) == "0382"
    assert layout.owner_of("police/local/lpo.csv", dirs) is None
    assert layout.shared_source_dir(data, "police/local") == data / "police/local"
    assert dirs[2].output_name == "0382-osthammar"


def test_output_folders_per_municipality_only_in_a_region(tmp_path, monkeypatch):
    data = tmp_path / "region"
    _municipality(data / "kommuner" / "0382-osthammar", "0382", "Östhammar")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    settings = Settings.from_env()
    assert settings.is_region
    assert settings.period_dir("2025-T1", "0382") == tmp_path / "out" / "0382-osthammar" / "2025-T1"
    assert settings.region_dir("2025-T1") == tmp_path / "out" / "region" / "2025-T1"


def test_slug_is_ascii():
    assert layout.slug("Upplands Väsby") == "upplands-vasby"
    assert layout.slug("Malung-Sälen") == "malung-salen"
