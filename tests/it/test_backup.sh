#!/usr/bin/env bash
# `langso backup` while langso serves under MO load (issue 13): four curl loops post MOs
# to /kannel/mo and log every id langso acknowledged (200). The copy must pass
# integrity_check and hold every MO acknowledged before the backup started, and only MOs
# the live database has; the load must not see an error while the copy is made. A second
# backup to the same file is refused (exit 1) and leaves it alone. Then the README's
# restore: stop langso, copy the file over the database, remove -wal/-shm, start.
. "$(dirname "$0")/lib.sh"
it_setup
it_import_demo people || exit 1
# ballast, so the copy takes long enough for MOs to arrive while it runs
sqlite3 "$DB" "create table ballast(b blob); with recursive n(i) as (select 1 union all
	select i + 1 from n where i < 10000) insert into ballast select randomblob(2000) from n;"
it_start_langso
B=http://127.0.0.1:$KL_HTTP
OKQ="to=8055&coding=0&charset=UTF-8&smsc=FAKE&meta=&ts=1795331914"

# load W: MOs bk-W-1, bk-W-2, ... until $T/stop exists; acknowledged ids to acked.W,
# anything but a 200 to errors.W
load() {
	local w=$1 i=0 c
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		c=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' \
			"$B/kannel/mo?from=%2B849120006$w$((i % 10))&text=HD&id=bk-$w-$i&$OKQ")
		if [ "$c" = 200 ]; then echo "bk-$w-$i" >>"$T/acked.$w"; else echo "bk-$w-$i $c" >>"$T/errors.$w"; fi
	done
}
acked() { cat "$T"/acked.* 2>/dev/null | wc -l; }
acked_at_least() { [ "$(acked)" -ge "$1" ]; }
pids=()
for w in 1 2 3 4; do load $w & pids+=($!); done
check "the load is under way" kl_wait 30 acked_at_least 200

cat "$T"/acked.* | sort >"$T/before"
out=$("$LANGSO" backup -c "$CONF" "$T/copy.db" 2>&1); rc=$?
n_after_backup=$(acked)
check_eq "langso backup exits 0 ($out)" "$rc" 0
check_match "... and says what it copied" "$out" "$T/copy.db: * pages copied from $DB"
check "the load goes on after the backup" kl_wait 30 acked_at_least $((n_after_backup + 100))
touch "$T/stop"
wait "${pids[@]}"
n_before=$(wc -l <"$T/before")
note "MOs acknowledged: $n_before before the backup, $((n_after_backup - n_before)) while it ran, $(acked) in all"
check_eq "no MO failed while the backup ran" "$(cat "$T"/errors.* 2>/dev/null | head -5)" ""

cq() { sqlite3 "$T/copy.db" "$@"; }
check_eq "the copy passes integrity_check" "$(cq 'PRAGMA integrity_check')" ok
check_eq "the copy has the live schema version" "$(cq 'PRAGMA user_version')" "$(q 'PRAGMA user_version')"
cq "select kannel_id from inbox where kannel_id like 'bk-%'" | sort >"$T/in_copy"
missing=$(comm -23 "$T/before" "$T/in_copy" | wc -l)
check_eq "every MO acknowledged before the backup is in the copy" "$missing" 0
q "select kannel_id from inbox where kannel_id like 'bk-%'" | sort >"$T/in_live"
check_eq "every MO in the copy is in the live database" "$(comm -13 "$T/in_live" "$T/in_copy" | wc -l)" 0
check "the copy is one snapshot: no more MOs than were acknowledged by its end ($(wc -l <"$T/in_copy") <= $n_after_backup)" \
	test "$(wc -l <"$T/in_copy")" -le "$n_after_backup"
check_eq "villages and people are all in the copy" \
	"$(cq 'select (select count(*) from villages)||" "||(select count(*) from people)')" \
	"$(q 'select (select count(*) from villages)||" "||(select count(*) from people)')"
check_eq "the ballast is all in the copy" "$(cq 'select count(*) from ballast')" 10000

sum=$(md5sum <"$T/copy.db")
out=$("$LANGSO" backup -c "$CONF" "$T/copy.db" 2>&1); rc=$?
check_eq "a second backup to the same file exits 1" "$rc" 1
check_match "... and says why ($out)" "$out" "*copy.db exists: not overwritten*"
check_eq "... and leaves the file as it was" "$(md5sum <"$T/copy.db")" "$sum"

# restore as the README says
n_copy=$(wc -l <"$T/in_copy")
kl_stop langso
cp "$T/copy.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
it_start_langso
check_eq "restored: the database holds the copy's MOs" "$(q "select count(*) from inbox where kannel_id like 'bk-%'")" "$n_copy"
c=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$B/kannel/mo?from=%2B84912000699&text=HD&id=bk-restored&$OKQ")
check_eq "restored: langso takes MOs again" "$c" 200
exit 0
