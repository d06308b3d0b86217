"""Real schedule files through MPXJ (the optional extra `plansync[mpxj]`, which needs a Java
runtime): the one package that talks to MPXJ and the JVM.

Reading takes whatever MPXJ's universal reader understands (Microsoft Project .mpp/.mpx and
MSPDI .xml, Primavera .xer and PMXML, Asta, Phoenix, GanttProject, ProjectLibre and more)
and maps it like the Microsoft Project for the web converter; writing produces MSPDI XML,
which Microsoft Project and ProjectLibre open.

jvm.py starts the JVM (`available` says what is missing), names.py holds MPXJ's names for
relation and constraint types, read.py reads (`read`) and write.py writes (`write_mspdi`).
"""

from __future__ import annotations

from plansync.convert.mpxj.jvm import INSTALL, available
from plansync.convert.mpxj.jvm import _jvm as _jvm  # the tests start the JVM with it
from plansync.convert.mpxj.names import CODE
from plansync.convert.mpxj.read import read
from plansync.convert.mpxj.write import write_mspdi

__all__ = ["CODE", "INSTALL", "available", "read", "write_mspdi"]
