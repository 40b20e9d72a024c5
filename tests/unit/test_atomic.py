"""pipelines/atomic.py: whole or not at all, a full disk named, a killed writer's leftovers swept."""

import subprocess
import sys
import textwrap

import pytest

from pipelines import atomic
from pipelines.retries import transient_reason

REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_replaces_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "r" / "lagesbild.html"
    atomic.write_text(path, "<html>gammal</html>")
    atomic.write_text(path, "<html>ny</html>")
    assert path.read_text() == "<html>ny</html>"
    assert [p.name for p in path.parent.iterdir()] == ["lagesbild.html"]


def test_an_error_while_writing_keeps_the_old_file(tmp_path):
    path = tmp_path / "lagesbild.xlsx"
    atomic.write_bytes(path, b"old")
    with pytest.raises(RuntimeError):
        with atomic.replacing(path) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("killed halfway")
    assert path.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [path]


def test_sweep_removes_only_dead_writers_temporaries(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / "2026-T2" / f".lagesbild.pdf.{dead.pid}.tmp"
    leftover.parent.mkdir()
    leftover.write_bytes(b"%PDF-half")
    wal = tmp_path / f".analytics.duckdb.{dead.pid}.tmp.wal"
    wal.write_bytes(b"x")
    mine = atomic.temporary_path(tmp_path / "x.html")
    mine.write_text("being written")
    report = tmp_path / "lagesbild.html"
    report.write_text("<html></html>")
    assert sorted(atomic.sweep(tmp_path)) == sorted([leftover, wal])
    assert mine.exists() and report.exists()


def test_a_file_size_limit_leaves_the_old_file_and_names_path_and_space(tmp_path):
    """A real EFBIG: the write runs under RLIMIT_FSIZE (SIGXFSZ ignored, so write() fails)."""
    path = tmp_path / "lagesbild.pdf"
    path.write_bytes(b"old report")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from pathlib import Path
        from pipelines import atomic
        from pipelines.retries import transient_reason
        try:
            atomic.write_bytes(Path({str(path)!r}), b"x" * 100_000)
        except atomic.DiskFullError as exc:
            assert transient_reason(exc) is None
            print(exc)
            sys.exit(3)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert str(path) in done.stdout and "Disken är full" in done.stdout and "0,1 MB" in done.stdout
    assert "ledigt" in done.stdout
    assert path.read_bytes() == b"old report"
    assert list(tmp_path.iterdir()) == [path]


def test_disk_full_is_not_transient():
    import errno

    error = atomic.disk_full(REPO / "x", 10, OSError(errno.ENOSPC, "No space left on device"))
    assert transient_reason(error) is None
    assert atomic.is_disk_full(error)
