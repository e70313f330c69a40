"""Information pages that every visitor may read."""

from datetime import date

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)

# Reviewed with the automated and manual checks in tests/browser; update with each review.
STATEMENT_REVIEWED = "2026-11-23"


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "pages/accessibility.html", reviewed=date.fromisoformat(STATEMENT_REVIEWED)
    )
