"""The plugin's pytester helper, for the tests that run wa_orderings the way a user's suite does."""

from __future__ import annotations

from tests.plugin.conftest import run_user_tests  # noqa: F401 - a fixture, shared with the plugin's own tests
