"""Where kglink keeps its state on this machine: ``$KGLINK_HOME``, else ``~/.cache/kglink``.

The local Neo4j (jars, data, logs, password), bulk-import staging, load stages and the
judgment log all live under it. It is defined here, in linking, because linking (the
judgment log) is the rightmost package that needs it: graph and kglink import it from here,
and imports keep pointing one way.
"""

from __future__ import annotations

import os
from pathlib import Path


def kglink_home() -> Path:
    """kglink's state directory (``$KGLINK_HOME`` or ``~/.cache/kglink``), not created here."""
    return Path(os.environ.get("KGLINK_HOME") or Path.home() / ".cache" / "kglink").expanduser()
