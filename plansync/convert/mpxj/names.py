"""MPXJ's names for what a plan holds (relation and constraint types, days of the week),
shared by reading and writing, and the form of a code (plansync writes the project's code as
the MSPDI Name).
"""

from __future__ import annotations

CODE = r"[a-z0-9][a-z0-9_-]{0,62}"
_RELATIONS = {"FINISH_START": "FS", "START_START": "SS", "FINISH_FINISH": "FF",
              "START_FINISH": "SF"}
_CONSTRAINTS = {"MUST_START_ON": "must_start_on", "MUST_FINISH_ON": "must_finish_on",
                "START_NO_EARLIER_THAN": "start_no_earlier_than",
                "START_NO_LATER_THAN": "start_no_later_than",
                "FINISH_NO_EARLIER_THAN": "finish_no_earlier_than",
                "FINISH_NO_LATER_THAN": "finish_no_later_than",
                "MANDATORY_START": "must_start_on", "MANDATORY_FINISH": "must_finish_on",
                "START_ON": "must_start_on", "FINISH_ON": "must_finish_on"}
_JAVA_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
