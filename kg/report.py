"""Reports CI pages show: JUnit XML (one test case per talk and per check) and GitHub Actions
workflow commands (`::error file=...,line=...::message`), which annotate the changed line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.table import Talk

# Characters XML 1.0 cannot hold at all (even escaped): shown as \xNN instead.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in the inputs: `severity` "error" or "warning"; `check` is what found it
    ("parse", "gazetteer", "candidate", "shacl", "stale"); `line` 0 means the file as a whole."""

    file: str
    line: int
    severity: str
    check: str
    message: str


@dataclass(frozen=True)
class Case:
    """One JUnit test case: a check, or a talk (classname: its file; name: its line and title)."""

    classname: str
    name: str
    file: str = ""
    line: int = 0
    failures: tuple[str, ...] = ()
    output: tuple[str, ...] = ()  # warnings that do not fail


def junit(suite: str, cases: list[Case]) -> bytes:
    """A JUnit XML document: one <testsuite> in <testsuites>, a <failure> per failed case."""
    from xml.etree import ElementTree as ET

    failed = sum(1 for case in cases if case.failures)
    root = ET.Element("testsuites", name=_xml(suite), tests=str(len(cases)), failures=str(failed))
    element = ET.SubElement(
        root,
        "testsuite",
        name=_xml(suite),
        tests=str(len(cases)),
        failures=str(failed),
        errors="0",
        skipped="0",
        time="0",
    )
    for case in cases:
        attributes = {"classname": _xml(case.classname), "name": _xml(case.name), "time": "0"}
        if case.file:
            attributes["file"] = _xml(case.file)
        if case.line:
            attributes["line"] = str(case.line)
        item = ET.SubElement(element, "testcase", attributes)
        if case.failures:
            failure = ET.SubElement(
                item, "failure", message=_xml(case.failures[0].splitlines()[0]), type="error"
            )
            failure.text = _xml("\n".join(case.failures))
        if case.output:
            ET.SubElement(item, "system-out").text = _xml("\n".join(case.output))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml(text: str) -> str:
    return NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def workflow_commands(findings: list[Finding]) -> list[str]:
    """GitHub Actions workflow commands, one per finding: `::error file=F,line=N,title=T::M`."""
    lines = []
    for item in findings:
        properties = [f"file={_property(item.file)}"] if item.file else []
        if item.line:
            properties.append(f"line={item.line}")
        properties.append(f"title={_property('kg ' + item.check)}")
        lines.append(f"::{item.severity} {','.join(properties)}::{_data(item.message)}")
    return lines


def _data(text: str) -> str:
    """Escaped as the runner requires for a command's message: %, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escaped as the runner requires for a property value: also ':' and ','."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def talk_cases(talks: list[Talk], findings: list[Finding], strict: bool) -> list[Case]:
    """One case per talk: its findings fail it (errors; warnings too if `strict`), or are shown
    as its output."""
    found: dict[tuple[str, int], list[Finding]] = {}
    for item in findings:
        found.setdefault((item.file, item.line), []).append(item)
    cases = []
    for talk in talks:
        mine = found.get((talk.source, talk.line), [])
        failing = [describe(f) for f in mine if f.severity == "error" or strict]
        shown = [describe(f) for f in mine if not (f.severity == "error" or strict)]
        cases.append(
            Case(talk.source, f"{talk.line}: {talk.title}", talk.source, talk.line,
                 tuple(failing), tuple(shown))
        )  # fmt: skip
    return cases


def parse_cases(files: list[str], findings: list[Finding]) -> list[Case]:
    """One "parse" case per table file, failed by its parse errors."""
    return [
        Case(
            file,
            "parse",
            file,
            failures=tuple(describe(f) for f in findings if f.file == file and f.check == "parse"),
        )
        for file in files
    ]


def build_findings(error: Exception | None, stale: list[str], output_dir: str) -> list[Finding]:
    """What a build (or `kg build --check`) found: its error, placed where it can be, and the
    stale outputs."""
    from kg.errors import TableParseError, ValidationError

    findings = []
    if isinstance(error, TableParseError):
        findings.append(Finding(error.path, error.line, "error", "parse", error.message))
    elif isinstance(error, ValidationError):
        findings.append(Finding("", 0, "error", "shacl", str(error)))
    elif error is not None:
        findings.append(Finding("", 0, "error", "build", str(error)))
    if stale:
        message = "\n".join([*stale, "run kg build with the same options to update the outputs"])
        findings.append(Finding(f"{output_dir}/talks.ttl", 0, "error", "stale", message))
    return findings


def build_cases(
    files: list[str], talks: list[Talk], findings: list[Finding], check: bool
) -> list[Case]:
    """The cases of a build: parse per file, SHACL, stale (with --check), then one per talk."""
    failed = {item.check for item in findings}
    cases = parse_cases(files, findings)
    if "parse" not in failed:
        for name in ("shacl", "build") + (("stale",) if check else ()):
            mine = tuple(describe(f) for f in findings if f.check == name)
            if name != "build" or mine:
                cases.append(Case("kg build", name, failures=mine))
    return cases + talk_cases(talks, [], strict=False)


def describe(item: Finding) -> str:
    where = f"{item.file}:{item.line}: " if item.line else (f"{item.file}: " if item.file else "")
    return f"{where}{item.severity}: {item.message}"
