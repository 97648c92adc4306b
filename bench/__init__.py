"""Load benchmark of the Coderr API: `make bench` (see bench/README.md and the README, Performance)."""
