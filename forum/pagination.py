"""Page arithmetic for listings whose total is already known (usually from a counter)."""

from dataclasses import dataclass

from flask import abort, request

from forum.security import database_int


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

    @property
    def shown_numbers(self) -> list[int | None]:
        """The page numbers a pagination bar links: the first, the last and two either side of
        this one, with None for the pages left out between them. At most nine, however long the
        listing: a bar of every page grew with the data."""
        pages, number = self.pages, self.number
        nearby = range(max(1, number - 3), min(pages, number + 3) + 1)
        shown: list[int | None] = []
        for candidate in sorted({1, pages, *nearby}):
            distance = abs(candidate - number)
            if candidate in (1, pages) or distance <= 2:
                shown.append(candidate)
            elif distance == 3:
                shown.append(None)
        return shown


def requested_page(total: int, per_page: int) -> Page:
    """The ?page= of this request; 404 past the last page, so a listing never shows empty."""
    number = request.args.get("page", 1, type=database_int)
    page = Page(number=number, per_page=per_page, total=total)
    if number < 1 or number > page.pages:
        abort(404)
    return page
