#!/usr/bin/env bash
# test_outbox.sh in box mode (issue 10): langso a box of bearerbox, no smsbox.
KL_MODE=box
. "$(dirname "$0")/test_outbox.sh"
