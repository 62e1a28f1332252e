# tests/: one Check program per module (tests/check_<module>.c), plus script tests.
