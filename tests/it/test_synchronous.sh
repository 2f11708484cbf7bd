#!/usr/bin/env bash
# [storage] synchronous reaches every connection that writes: the running daemon's
# committer and outbox, and the CLI's import, each read back from SQLite and logged.
# Default full (a committed MO survives power loss), normal on request.
. "$(dirname "$0")/lib.sh"

it_setup
for want in full normal; do
	[ $want = normal ] && sed -i "s|^path = $DB\$|&\nsynchronous = normal|" "$CONF"
	out=$("$LANGSO" import villages -v -c "$CONF" conf/demo/villages.csv 2>&1)
	check_match "import with $want: its connection reads back synchronous = $want" "$out" \
		"*import connection, synchronous = $want (read back)*"
	it_start_langso
	for role in committer outbox; do
		check "serve with $want: the $role connection reads back synchronous = $want" \
			grep -q "$role connection, synchronous = $want (read back)" "$T/log/langso.log"
	done
	kl_stop langso
	mv "$T/log/langso.log" "$T/log/langso-$want.log"
done
exit 0
