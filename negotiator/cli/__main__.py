"""`python -m negotiator.cli`."""

from . import main

main()
