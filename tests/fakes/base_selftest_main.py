"""`python3 -m fakes.base_selftest_main`: a bare FakeServer process (used by test_base.py)."""
from fakes.base import FakeServer, run_main

if __name__ == "__main__":
    run_main(FakeServer)
