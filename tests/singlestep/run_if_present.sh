#!/bin/sh
# Runs a single-step test suite if its vectors are present, else reports a skip.
# usage: run_if_present.sh RUNNER CONFIGURED_TESTDATA SUITE [RUNNER OPTIONS...]
# $TRAPEZE_TESTDATA, when set, takes precedence over CONFIGURED_TESTDATA, so one build can
# be tested against vectors kept elsewhere. Exit 77 is CTest's SKIP_RETURN_CODE here.
runner=$1
testdata=${TRAPEZE_TESTDATA:-$2}
suite=$3
shift 3
if [ ! -d "$testdata/$suite" ]; then
  echo "SKIPPED: test vectors not found at $testdata/$suite"
  exit 77
fi
exec "$runner" "$@" "$testdata/$suite"
