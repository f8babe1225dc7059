"""``python -m gkparse`` runs the command line."""

from .cli import main

main()
