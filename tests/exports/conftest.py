"""The dashboards' small known world serves the export tests too."""

from tests.dashboards.conftest import world  # noqa: F401  (a fixture)
