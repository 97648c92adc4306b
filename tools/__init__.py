"""Set-up tooling run by the Makefile: stdlib only, so it runs on the base Python before `.venv` exists."""
