"""A recommending unit's work (the pages of xinban.recommendation.views, as JSON): its inbox,
returning and on-site review, its judge panel and their assignments, the ranking, the
recommendation list within quota, and the signed 附件5.

Who may do what, as on the pages: a unit's members and association staff see the unit
(anyone else gets 404); acting needs the unit's admin role (403 otherwise); voiding a
unit's recommendations and raising its quota are for staff.

One module per use case; importing them registers their operations on ``router``, in the
order of the OpenAPI document.
"""

# The order of these imports is the order of the operations in the OpenAPI document.
# isort: off
from xinban.api.routers.unit.base import router
from xinban.api.routers.unit import inbox
from xinban.api.routers.unit import judges
from xinban.api.routers.unit import recommendation
from xinban.api.routers.unit import report
# isort: on

__all__ = ["inbox", "judges", "recommendation", "report", "router"]
