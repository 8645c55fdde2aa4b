"""Reading downloads in tests."""


def close_file(response) -> bytes:
    """Read a download to its end, which closes its file: the test client then closes the
    response with the database connection kept (not `response.close()`, which sends
    `request_finished` and so closes the connection PostgreSQL's test transaction needs)."""
    if not response.streaming:
        return response.content
    return b"".join(response.streaming_content)
