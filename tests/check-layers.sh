#!/usr/bin/env bash
# One-way layering: only storage/ includes sqlite3.h, only gateway/ includes
# microhttpd.h and curl, only parser/ includes pcre2.h; nothing below gateway
# includes gateway headers, nothing below actions includes actions headers.
cd "$(dirname "$0")/.." || exit 99
bad=0
owns() {  # header-regex folder
  local hits
  hits=$(grep -rlE "#include\s*[<\"]$1" --include='*.c' --include='*.h' gateway actions parser menus storage common 2>/dev/null | grep -v "^$2/")
  if [ -n "$hits" ]; then echo "layering: $1 included outside $2/: $hits"; bad=1; fi
}
owns 'sqlite3\.h' storage
owns 'microhttpd\.h' gateway
owns 'curl/curl\.h' gateway
owns 'pcre2\.h' parser
up() {  # folders that must not include header-dir
  local hits
  hits=$(grep -rlE "#include\s*\"$1/" --include='*.c' --include='*.h' ${@:2} 2>/dev/null)
  if [ -n "$hits" ]; then echo "layering: $hits include(s) $1/ (points up)"; bad=1; fi
}
up gateway actions parser menus storage common
up actions parser menus storage common
up storage parser menus common
up parser storage common   # menus may use parser.h: a finished menu is a struct command
up menus storage common
exit $bad
