"""Imported by Python at start-up in the processes the tests start, when tests/clock.py put
this folder on PYTHONPATH: their clock moves by the same offset as the test process's."""

import os

_shift = os.environ.get("JKN_TEST_CLOCK_SHIFT")
if _shift:
    import datetime

    import time_machine

    time_machine.travel(datetime.timedelta(microseconds=int(_shift)), tick=True).start()
