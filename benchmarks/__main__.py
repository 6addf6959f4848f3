"""`python -m benchmarks`: see benchmarks/run.py for the options."""

from benchmarks.run import main

if __name__ == "__main__":  # worker processes (benchmarks/workers.py) import this module too
    raise SystemExit(main())
