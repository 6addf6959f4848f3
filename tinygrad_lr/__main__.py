"""`python -m tinygrad_lr`: the demo (see tinygrad_lr.cli)."""

from tinygrad_lr.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
