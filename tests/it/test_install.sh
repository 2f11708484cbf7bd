#!/usr/bin/env bash
# make install / uninstall (issue 13): `make install DESTDIR=$T/root PREFIX=/usr` lays out
# exactly the Debian tree (nothing else, no build or DESTDIR path inside a file), the units
# pass `systemd-analyze verify` (skipped, and said so, where it is missing), and the
# installed binary, started with a copy of the installed config from a directory with no
# conf/ in it, finds the installed lexicon and menus and answers SMS through Kannel.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
R=$T/root
# the nested make must not see this make's jobserver
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$IT_ROOT" VARIANT="${VARIANT:-release}" "$@"; }
mk install DESTDIR="$R" PREFIX=/usr >"$T/log/install.log" 2>&1 || { fail "make install"; cat "$T/log/install.log"; exit 1; }
ok "make install DESTDIR=\$T/root PREFIX=/usr"
for target in all install; do
	check "make $target does not install Debian packages (make -n names no scripts/deps.sh)" \
		sh -c "! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C '$IT_ROOT' B='$T/nb' $target DESTDIR='$R' | grep -q deps.sh"
done

want="etc/langso/langso.conf
etc/langso/lexicon.conf
etc/langso/menus.conf
usr/bin/langso
usr/lib/systemd/system/kannel-bearerbox.service
usr/lib/systemd/system/kannel-smsbox.service
usr/lib/systemd/system/langso.service
usr/lib/sysusers.d/langso.conf
usr/share/doc/langso/README.md
usr/share/langso/console/app.html
usr/share/langso/console/app.js
usr/share/langso/console/login.html
usr/share/langso/console/style.css
usr/share/langso/examples/kannel.conf
usr/share/langso/examples/langso.conf
usr/share/langso/examples/people.csv
usr/share/langso/examples/villages.csv"
check_eq "the installed tree is exactly the expected files" "$(cd "$R" && find . -type f -o -type l | sed 's|^\./||' | sort)" "$want"
check "the binary is executable" test -x "$R/usr/bin/langso"
check_eq "configs are 0644, the binary 0755" "$(stat -c %a "$R/etc/langso/langso.conf" "$R/usr/bin/langso" | tr '\n' ' ')" "644 755 "
check_eq "no file names the build tree or DESTDIR" "$(grep -rlI -e "$R" -e "$IT_ROOT" "$R" | head -3)" ""
ic=$R/etc/langso/langso.conf
check_eq "the installed config reads the installed lexicon" "$(sed -n 's/^lexicon *= *\([^ ]*\).*/\1/p' "$ic")" /etc/langso/lexicon.conf
check_eq "... and menus" "$(sed -n 's/^menus *= *\([^ ]*\).*/\1/p' "$ic")" /etc/langso/menus.conf
check_eq "... and the installed console pages" "$(sed -n 's/^assets *= *\([^ ]*\).*/\1/p' "$ic")" /usr/share/langso/console
check_eq "... and keeps the database in the StateDirectory" "$(sed -n 's/^path *= *\([^ ]*\).*/\1/p' "$ic")" /var/lib/langso/langso.db
unit=$R/usr/lib/systemd/system/langso.service
check_eq "langso.service runs the installed binary on the installed config" \
	"$(sed -n 's/^ExecStart=//p' "$unit")" "/usr/bin/langso serve -c /etc/langso/langso.conf"
for k in Restart=always User=langso NoNewPrivileges=yes ProtectSystem=strict StateDirectory=langso \
	ProtectHome=yes PrivateTmp=yes; do
	check "langso.service has $k" grep -qx "$k" "$unit"
done

if command -v systemd-analyze >/dev/null; then
	# verify wants the binaries on this machine: the langso unit points at the staged one
	mkdir -p "$T/units"
	sed "s|/usr/bin/langso|$R/usr/bin/langso|" "$unit" >"$T/units/langso.service"
	cp "$R"/usr/lib/systemd/system/kannel-*.service "$T/units/"
	out=$(systemd-analyze verify "$T"/units/*.service 2>&1); rc=$?
	check_eq "systemd-analyze verify passes on the three units, without a warning (exit $rc)" "$out" ""
else
	note "systemd-analyze is not installed: the units are not verified here"
fi

# a copy of the installed config, its ports, database and box settings those of this test
# (from the rendered $CONF), its lexicon and menus the installed files under $R
awk -v root="$R" '
	FNR == NR { if (/^\[/) s = $0; else if (/=/) { k = $1; v = $0; sub(/^[^=]*= */, "", v); set[s "|" k] = v }; next }
	/^\[/ { s = $0 }
	/^(lexicon|menus) *=/ { sub(/= */, "= " root); print; next }
	/^[a-z_]+ *=/ && ((s "|" $1) in set) { print $1 " = " set[s "|" $1]; next }
	{ print }' "$CONF" "$ic" >"$T/installed.conf"
mv "$T/installed.conf" "$CONF"
LANGSO=$R/usr/bin/langso
mkdir -p "$T/cwd"
cd "$T/cwd" || exit 99   # no conf/ here: a relative path would not resolve
out=$("$LANGSO" check -c "$CONF" 2>&1)
check_eq "the installed binary checks the installed config" "$out" "configuration OK"
"$LANGSO" import villages -c "$CONF" "$R/usr/share/langso/examples/villages.csv" >>"$T/log/import.log" 2>&1
check_eq "the example villages import" "$?" 0
it_start_all
cd "$IT_ROOT" || exit 99
mo +84912000801 "HD"
check_match "an SMS through Kannel gets the help reply" "$(reply +84912000801 1)" "*DK*"
mo +84912000801 "DK LD02 Hoàng Văn Châu"
check_match "a registration through Kannel is answered" "$(reply +84912000801 2)" "Da dang ky Hoang Van Chau, thon Lang Don*"
check_eq "... and stored" "$(q "select v.code from people p join villages v on v.id = p.village_id where p.phone = '+84912000801'")" LD02

mk uninstall DESTDIR="$R" PREFIX=/usr >>"$T/log/install.log" 2>&1
check_eq "make uninstall leaves only the config" "$(cd "$R" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')" \
	"etc/langso/langso.conf etc/langso/lexicon.conf etc/langso/menus.conf "
exit 0
