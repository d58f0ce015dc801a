"""Rebuild this folder's talks.md from a clone of pyvideo/data, by the fixed rule of SOURCES.md.

    python tests/data/pydata-berlin-2023/prepare.py PYVIDEO_DATA_GIT_DIR > talks.md

The files of `pydata-berlin-2023/videos/` in sorted name order; a description shorter than 300
characters is skipped; the first 50 others are taken. A summary is the description's first
sentences (at most five, at most 900 characters), on one line, with "Presented by <speakers>."
before it when it names none of them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

COMMIT = "8d37350255d05fefef7354ed5f382c1c669429d0"
FOLDER = "pydata-berlin-2023/videos/"
EVENT = "PyCon DE & PyData Berlin 2023"
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def git(git_dir: str, *args: str) -> str:
    command = ["git", "--git-dir", git_dir, *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def summary_of(record: dict) -> str:
    text = " ".join((record.get("description") or "").split())
    summary = ""
    for sentence in SENTENCE_BREAK.split(text):
        if len(summary) + len(sentence) + 1 > 900 or summary.count(". ") >= 4:
            break
        summary = (summary + " " + sentence).strip()
    summary = summary or text[:900].rsplit(" ", 1)[0]
    speakers = [s for s in record.get("speakers") or [] if s]
    if speakers and not any(s in summary for s in speakers):
        names = " and ".join(speakers) if len(speakers) < 3 else ", ".join(speakers[:-1])
        names += "" if len(speakers) < 3 else " and " + speakers[-1]
        summary = f"Presented by {names}. {summary}"
    return summary


def main(git_dir: str) -> None:
    names = sorted(
        n
        for n in git(git_dir, "ls-tree", "-z", "--name-only", COMMIT, FOLDER).split("\0")
        if n.endswith(".json")
    )
    rows = []
    for name in names:
        record = json.loads(git(git_dir, "show", f"{COMMIT}:{name}"))
        if len((record.get("description") or "").strip()) < 300:
            continue
        rows.append((record["title"].strip(), summary_of(record)))
        if len(rows) == 50:
            break
    print("| track | title | summary |\n| --- | --- | --- |")
    for index, (title, summary) in enumerate(rows):
        track = "Talks" if index == 0 else ""
        title, summary = title.replace("|", "\\|"), summary.replace("|", "\\|")
        print(f"| {track} | {title} \\| {EVENT} | {summary} |")


if __name__ == "__main__":
    main(sys.argv[1])
