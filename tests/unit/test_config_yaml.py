"""pipelines/config.py parses YAML with libyaml when PyYAML has it: the data and the node tree
(the lines messages name) must be what the Python parser gives, and errors keep its words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines import config

REPO = Path(__file__).resolve().parents[2]
FILES = sorted((REPO / "data").rglob("*.yaml"))


def tree(node) -> list[tuple]:
    if node is None:
        return []
    out = [(type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column, node.end_mark.line,
            node.value if isinstance(node, yaml.ScalarNode) else None)]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += tree(key) + tree(value)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            out += tree(value)
    return out


@pytest.mark.skipif(config._CLoader is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_libyaml_gives_the_python_parsers_data_and_lines(path):
    text = path.read_text(encoding="utf-8-sig")
    data, node = config._parse_yaml(text, config._CLoader)
    expected_data, expected_node = config._parse_yaml(text, config._Loader)
    assert data == expected_data
    assert tree(node) == tree(expected_node)


def test_dates_stay_text_and_errors_keep_the_python_parsers_words(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("a: 2025-04-31\nb: [1, 2]\n", encoding="utf-8")
    assert config._read_yaml(good)[0] == {"a": "2025-04-31", "b": [1, 2]}
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\n b: 2\nc: [\n", encoding="utf-8")
    with pytest.raises(config.ConfigError) as caught:
        config._read_yaml(bad)
    try:
        yaml.load(bad.read_text(encoding="utf-8"), Loader=config._Loader)
    except yaml.YAMLError as exc:
        line, problem = config.msg.yaml_problem(exc)
    assert line and len(caught.value.lines) == 1
    assert f"rad {line}" in caught.value.lines[0] and problem in caught.value.lines[0]
