"""Limit/offset pagination for every API list: `?limit=50&offset=100`.

The answer is `{"items": [...], "count": <total>}`. `limit` defaults to 50 and may not exceed
200 (422 beyond, so a client learns the ceiling instead of silently getting fewer rows).
Use it as `@paginate(LimitOffset)` under the operation's decorator.
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Pagination(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return (1–200)."
    )
    offset: int = Field(0, ge=0, description="How many items to skip.")


class LimitOffset(LimitOffsetPagination):
    Input = Pagination

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
