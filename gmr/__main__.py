"""`python -m gmr` runs the command line."""

from gmr.cli import main

main()
