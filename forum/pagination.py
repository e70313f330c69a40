"""Page arithmetic for listings whose total is already known (usually from a counter)."""

from dataclasses import dataclass

from flask import abort, request


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def requested_page(total: int, per_page: int) -> Page:
    """The ?page= of this request; 404 past the last page, so a listing never shows empty."""
    number = request.args.get("page", 1, type=int)
    page = Page(number=number, per_page=per_page, total=total)
    if number < 1 or number > page.pages:
        abort(404)
    return page
