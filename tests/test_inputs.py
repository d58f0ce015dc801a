"""Which tables a build reads from the paths it is given (README: Bad input, Folders)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from kg.inputs import input_files

HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"


def table(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"| T | {title} \\| Ray Summit 2025 | x |\n", encoding="utf-8")
    return path


def test_folders_are_read_with_subfolders_without_readmes_and_hidden_folders(
    tmp_path: Path,
) -> None:
    table(tmp_path / "b.md", "B")
    table(tmp_path / "2024" / "a.md", "A")
    (tmp_path / "README.md").write_text("# Our tables\n\nNot a table.\n", encoding="utf-8")
    (tmp_path / "2024" / "readme.md").write_text("notes\n", encoding="utf-8")
    table(tmp_path / ".git" / "x.md", "X")
    assert input_files([tmp_path]) == [tmp_path / "2024" / "a.md", tmp_path / "b.md"]
    # Given by name, a README.md is a table (and reading it says why it is not one).
    assert input_files([tmp_path / "README.md"]) == [tmp_path / "README.md"]


def test_a_file_given_twice_is_read_once(tmp_path: Path) -> None:
    a = table(tmp_path / "t" / "a.md", "A")
    b = table(tmp_path / "t" / "b.md", "B")
    assert input_files([b, tmp_path / "t", a, tmp_path / "t" / ".." / "t" / "b.md"]) == [b, a]
    result = CliRunner().invoke(
        main, ["build", "--input", str(a), "--input", str(a), "--output-dir", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("talks: 1\n")


def test_output_dir_inside_the_input_folder(tmp_path: Path) -> None:
    table(tmp_path / "tables" / "a.md", "A")
    args = [
        "build",
        "--input",
        str(tmp_path / "tables"),
        "--output-dir",
        str(tmp_path / "tables" / "out"),
    ]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    built = (tmp_path / "tables" / "out" / "talks.ttl").read_bytes()
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert (tmp_path / "tables" / "out" / "talks.ttl").read_bytes() == built
