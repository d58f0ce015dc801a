"""Rebuild this folder's talks.md from a clone of alicanalbayrak/kubecon-report-2026, by the
fixed rule of SOURCES.md.

    python tests/data/kubecon-eu-2026/prepare.py KUBECON_REPORT_GIT_DIR > talks.md

The events of two tracks, in the order the files list them: "AI + ML" of the main conference
(`kubecon-main.json`), then "Cloud Native AI + Kubeflow Day" of the co-located events
(`colocated-events.json`); a description shorter than 300 characters is skipped. A title is the
published title (the schedule's "Title - Speaker, Company" form, a leading emoji dropped); a
summary is the description's first sentences (at most five, at most 900 characters), on one line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

COMMIT = "2d0f875dcc7c0ac472d41f7f421e4c4a52f72eb7"
TRACKS = [
    ("dashboard/public/data/kubecon-main.json", "AI + ML"),
    ("dashboard/public/data/colocated-events.json", "Cloud Native AI + Kubeflow Day"),
]
EVENT = "KubeCon + CloudNativeCon Europe 2026"
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def git(git_dir: str, *args: str) -> str:
    command = ["git", "--git-dir", git_dir, *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def summary_of(description: str) -> str:
    text = " ".join(description.split())
    summary = ""
    for sentence in SENTENCE_BREAK.split(text):
        if len(summary) + len(sentence) + 1 > 900 or summary.count(". ") >= 4:
            break
        summary = (summary + " " + sentence).strip()
    return summary or text[:900].rsplit(" ", 1)[0]


def title_of(title: str, track: str) -> str:
    title = re.sub(r"^[^\w\"“(]+", "", " ".join(title.split()))
    prefix = f"{track} | "
    return title[len(prefix) :] if title.startswith(prefix) else title


def main(git_dir: str) -> None:
    print("| track | title | summary |\n| --- | --- | --- |")
    for path, track in TRACKS:
        events = json.loads(git(git_dir, "show", f"{COMMIT}:{path}"))["types"][track]["events"]
        first = True
        for event in events:
            description = (event.get("description") or "").strip()
            if len(description) < 300:
                continue
            title = title_of(event["title"], track).replace("|", "\\|")
            summary = summary_of(description).replace("|", "\\|")
            print(f"| {track if first else ''} | {title} \\| {EVENT} | {summary} |")
            first = False


if __name__ == "__main__":
    main(sys.argv[1])
