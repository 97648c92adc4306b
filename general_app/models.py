"""general_app holds cross-cutting code (errors, images, statistics); it has no tables."""
