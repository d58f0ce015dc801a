"""The errors kg raises; the CLI turns them into one-line messages and exit codes."""


class KgError(Exception):
    """A problem the user can fix: bad input, a bad query, a missing file."""


class TableParseError(KgError):
    """The talks table is malformed at `path:line` (line 0: the file as a whole)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class ValidationError(KgError):
    """The built graph does not conform to the SHACL shapes."""

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__("the graph fails SHACL validation:\n" + report)


def printable(text: str, keep: str = "") -> str:
    """Text from a table or a query is data: control characters (terminal escape sequences
    too) are shown as \\xNN, never sent to a terminal as they are."""
    return "".join(c if c.isprintable() or c in keep else f"\\x{ord(c):02x}" for c in text)
