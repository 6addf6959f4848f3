"""`python -m tinygrad_lr`: the demo (see tinygrad_lr.cli)."""

from tinygrad_lr.cli import main

raise SystemExit(main())
