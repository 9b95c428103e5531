"""genhub's contract kit, run on this plugin: the same checks as the hub's own plugins."""

from genhub.contract import contract_tests

test_contract = contract_tests("genhub_dynamics:PLUGIN")
