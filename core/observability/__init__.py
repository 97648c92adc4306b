"""What operators see: request ids and logs, metrics, error reports, and the readiness checks.

Nothing here imports an app; the settings switch each part on from the environment (README "Operating Coderr").
"""
