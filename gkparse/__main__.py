"""``python -m gkparse`` runs the command line."""

from .cli.main import main

main()
