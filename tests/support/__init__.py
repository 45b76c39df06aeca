"""Test infrastructure that is not fixtures: databases built once per test process."""
