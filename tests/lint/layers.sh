#!/usr/bin/env bash
# Layer check (docs/architecture.md, "Layers"): a file may include headers of
# its own layer or of a lower one, never of a higher one. The folder is the
# layer. Known exceptions are listed in layers.allow as "FILE includes HEADER",
# one a line; an allowed line that no longer occurs is an error too, so the
# list only shrinks.
set -u
cd "$(dirname "$0")/../.."
rank() {
  case "$1" in
    sim/evacsim.h) echo -1 ;;
    sim/util/*) echo 0 ;;
    sim/input/*) echo 1 ;;
    models/fire/* | models/smoke/* | models/tox/*) echo 2 ;;
    sim/engine/* | models/movement/* | models/behaviour/*) echo 3 ;;
    sim/output/*) echo 4 ;;
    sim/ensemble/* | sim/tools/*) echo 5 ;;
    sim/cli/*) echo 6 ;;
    *) echo 9 ;;
  esac
}
headers=$(ls sim/*.h sim/*/*.h models/*/*.h)
found=$(
  for f in sim/*.h sim/*/*.[ch] models/*/*.[ch]; do
    sed -n 's/^#include "\(.*\)"/\1/p' "$f" | while read -r h; do
      p=""
      for c in $headers; do
        case "$c" in */"$h" | "$h") p=$c; break ;; esac
      done
      [ -n "$p" ] || continue
      if [ "$(rank "$p")" -gt "$(rank "$f")" ]; then echo "$f includes $p"; fi
    done
  done | sort
)
allow=$(grep -v '^#' tests/lint/layers.allow | grep -v '^$' | sort)
bad=0
new=$(comm -23 <(echo "$found") <(echo "$allow") | grep -v '^$')
gone=$(comm -13 <(echo "$found") <(echo "$allow") | grep -v '^$')
if [ -n "$new" ]; then
  echo "upward includes (a lower layer includes a higher one):"
  echo "$new" | sed 's/^/  /'
  bad=1
fi
if [ -n "$gone" ]; then
  echo "allowed in tests/lint/layers.allow but no longer found (delete the line):"
  echo "$gone" | sed 's/^/  /'
  bad=1
fi
# The API examples use the public header only.
for f in tests/api/*.c; do
  if grep -n '^#include "' "$f" | grep -q . ||
    grep '^#include <' "$f" | grep -v '<evacsim.h>' | grep -vq '<std[a-z]*\.h>\|<math.h>\|<string.h>'; then
    echo "$f: an API example includes a header other than <evacsim.h> and the C library's"
    bad=1
  fi
done
# The command line is a user of the library: the public header only.
for f in sim/cli/*.c; do
  if grep '^#include "' "$f" | grep -vq '^#include "evacsim.h"'; then
    echo "$f: the command line includes a header other than evacsim.h:"
    grep -n '^#include "' "$f" | grep -v '"evacsim.h"' | sed 's/^/  /'
    bad=1
  fi
done
n=$(echo "$allow" | grep -c . || true)
echo "layers: $(echo "$found" | grep -c . || true) upward include(s), $n allowed"
exit $bad
