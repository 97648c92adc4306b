"""The frontend's page journeys (API_CONTRACT.md §7) replayed against the API, request by request."""
