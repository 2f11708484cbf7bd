#!/usr/bin/env bash
# test_ussd_smpp.sh in box mode (issue 10): the SMPP TLVs arrive and leave in the box
# messages' meta_data; the smsbox-route names the USSD code too.
KL_MODE=box
. "$(dirname "$0")/test_ussd_smpp.sh"
