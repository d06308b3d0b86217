"""The JVM with MPXJ on its class path, started on first use, and what is missing when it
cannot run here.
"""

from __future__ import annotations

from typing import Any

from plansync.errors import MissingComponent

INSTALL = "pip install 'plansync[mpxj]' (MPXJ) and a Java runtime, 17 or newer"


def available() -> str | None:
    """None when MPXJ can run here, else what is missing (one line)."""
    try:
        _jvm()
    except MissingComponent as exc:
        return exc.message
    return None


def _jvm() -> Any:
    """The started JVM's `jpype` module, with MPXJ on the class path."""
    try:
        import jpype
        import mpxj  # noqa: F401 - puts MPXJ's jars on the class path
    except ImportError:
        raise MissingComponent(f"reading and writing real schedule files needs MPXJ: {INSTALL}",
                               hint="pip install 'plansync[mpxj]'") from None
    if not jpype.isJVMStarted():
        try:
            jpype.startJVM()
        except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException, OSError) as exc:
            raise MissingComponent(f"reading and writing real schedule files needs a Java "
                                   f"runtime, 17 or newer ({exc})",
                                   hint="install one (apt-get install openjdk-17-jre-headless) "
                                   "or point JAVA_HOME at it") from None
    return jpype
