"""Page arithmetic for listings whose total is already known (usually from a counter), or
counted only as far as a page's pagination bar links (requested_page_counted)."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, request

from forum.security import database_int


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int
    # False when the listing was counted only as far as the bar links (requested_page_counted):
    # there are pages after the last one known, and the bar shows a gap where its end would be.
    complete: bool = True

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
        ends = {1, pages} if self.complete else {1}
        nearby = range(max(1, number - 3), min(pages, number + 3) + 1)
        shown: list[int | None] = []
        for candidate in sorted({*ends, *nearby}):
            distance = abs(candidate - number)
            if candidate in ends or distance <= 2:
                shown.append(candidate)
            elif distance == 3:
                shown.append(None)
        return shown if self.complete else [*shown, None]


def requested_number() -> int:
    """The ?page= of this request (1 when not given); 404 below the first."""
    number = request.args.get("page", 1, type=database_int)
    if number < 1:
        abort(404)
    return number


def requested_page(total: int, per_page: int) -> Page:
    """The ?page= of this request; 404 past the last page, so a listing never shows empty."""
    page = Page(number=requested_number(), per_page=per_page, total=total)
    if page.number > page.pages:
        abort(404)
    return page


def requested_page_counted(count_up_to: Callable[[int], int], per_page: int) -> Page:
    """requested_page for a listing that has no counter and grows with the data (what is new to
    a member): count_up_to(n) counts at most n of its rows, here as far as the bar links, two
    pages on, so that the count costs the same however long the listing grows."""
    number = requested_number()
    linked = (number + 2) * per_page
    counted = count_up_to(linked + 1)
    page = Page(number=number, per_page=per_page, total=min(counted, linked),
                complete=counted <= linked)  # fmt: skip
    if number > page.pages:
        abort(404)
    return page
