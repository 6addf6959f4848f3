"""Self-contained HTML pages: inline CSS, JavaScript, SVG and data; nothing is loaded from the network.

Every page carries a Content-Security-Policy that forbids loading anything (`default-src 'none'`) except its own
inline script and style and `data:` images, so even a mistake in a template cannot make the browser fetch a URL.
Files are written through a temporary file and a rename (a failed write never leaves half a page), and a path
that cannot be written gets an error naming that path.
"""

from __future__ import annotations

import html
import json
import math
import os
from importlib import resources
from pathlib import Path
from typing import Any

CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def asset(name: str) -> str:
    """The text of a file in `tinygrad_lr/viz/assets` (the pages' CSS and JavaScript)."""
    return resources.files("tinygrad_lr.viz").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """`data` as JSON safe to inline in a <script> element: NaN and infinities become null, and `</` is escaped
    so no string in the data can close the script element."""
    text = json.dumps(_finite(data), separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/")


def html_page(title: str, body: str, css: str, script: str, data: Any) -> str:
    """A complete page: `body` (HTML), with `data` available to `script` as `PAGE_DATA`."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{css}
</style>
</head>
<body>
{body}
<script>
const PAGE_DATA = {script_json(data)};
{script}
</script>
</body>
</html>
"""


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` (UTF-8) to `path` atomically; return the path."""
    path = Path(path)
    write_bytes(path, text.encode("utf-8"))
    return path


def write_bytes(path: Path, content: bytes) -> None:
    """Write via a temporary file next to `path` and a rename, so a failed write never leaves half a file.

    An OSError names the user's path (not the temporary file) and says why it failed.
    """
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise OSError(error.errno, f"can't write {str(path)!r}: {reason}") from None
    finally:
        if temporary.exists():
            temporary.unlink()


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data
