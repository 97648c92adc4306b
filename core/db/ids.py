"""Ids: what an id column holds, and an id read from a URL or a query parameter."""

# Ids are 64-bit integers (BigAutoField); SQLite cannot even bind a larger number.
ID_MIN = -(2**63)
ID_MAX = 2**63 - 1


def lookup_id(value):
    """A URL's or parameter's id as an int, or None when no row can have it.

    What the ORM's `get(pk=value)` accepts (`int(value)`), within the 64 bits an id column holds.
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if ID_MIN <= number <= ID_MAX else None
