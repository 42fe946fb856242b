"""Where kglink keeps its state on this machine: ``$KGLINK_HOME``, else ``~/.cache/kglink``.

The local Neo4j (jars, data, logs, password), bulk-import staging, load stages and the
judgment log all live under it. It is defined here, in linking, because linking (the
judgment log) is the rightmost package that needs it: graph and kglink import it from here,
and imports keep pointing one way.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def kglink_home() -> Path:
    """kglink's state directory (``$KGLINK_HOME`` or ``~/.cache/kglink``), not created here."""
    return Path(os.environ.get("KGLINK_HOME") or Path.home() / ".cache" / "kglink").expanduser()


PRIVATE_UMASK = 0o077


def keep_private() -> None:
    """Make every file this process creates from now on private to its owner (umask 077:
    dirs 0700, files 0600) and close an existing ``kglink_home()`` to other users (0700,
    also when an older kglink created it wider, so nothing below it is reachable). The
    graph's store and transaction logs, the loads cache, judgments and exports hold personal
    data. A home not created yet is left to be created (0700, by the umask) when needed.

    A shared sticky directory (``KGLINK_HOME=/tmp``) or one owned by another user is left
    as it is: its mode is not kglink's to change."""
    os.umask(PRIVATE_UMASK)
    home = kglink_home()
    try:
        info = home.stat()
        if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX:
            home.chmod(0o700)
    except OSError:  # no home yet, or a read-only file system: nothing to close
        pass
