#!/bin/bash
# bench-boot.sh [RUNS]: boot-to-provisioned wall time (QEMU start to the guest's result) of Kindling
# and of Debian's Ignition 2.14 in the same initramfs, on a workload both can run there: users,
# files, links and a unit on an existing ext4 root (upstream's disks stage needs systemd, qemu-boot.md §14).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${1:-3}
UPSTREAM=/usr/lib/dracut/modules.d/30ignition/ignition
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

mkdir -p "$T/skel/etc/selinux" "$T/skel/home" "$T/skel/root"
echo "root:x:0:0:root:/root:/bin/sh" > "$T/skel/etc/passwd"
echo "root:x:0:" > "$T/skel/etc/group"
echo "root:*:19000:0:99999:7:::" > "$T/skel/etc/shadow"
echo "root:*::" > "$T/skel/etc/gshadow"
printf 'USERGROUPS_ENAB yes\n' > "$T/skel/etc/login.defs"
# Upstream always relabels; a policy name and a stub setfiles let it, at almost no cost.
printf 'SELINUX=permissive\nSELINUXTYPE=targeted\n' > "$T/skel/etc/selinux/config"

mkdir -p "$T/upstream/usr/bin" "$T/upstream/usr/sbin"
# A regular file in the appended archive replaces the base image's ignition -> kindling symlink.
[ -x "$UPSTREAM" ] && cp "$UPSTREAM" "$T/upstream/usr/bin/ignition"
printf '#!/bin/sh\ncat >/dev/null\n' > "$T/upstream/usr/sbin/setfiles"
chmod +x "$T/upstream/usr/sbin/setfiles"

one() { # runner overlay-or-empty
  truncate -s 0 "$T/disk.img"; truncate -s 128M "$T/disk.img"
  mkfs.ext4 -q -F -L root -d "$T/skel" "$T/disk.img"
  local s e st
  s=$(date +%s.%N)
  set +e
  "$HERE/boot.sh" --root LABEL=root --config "$HERE/bench/files.ign" ${2:+--overlay "$2"} "$T/disk.img" > "$T/$1.log" 2>&1
  st=$?
  set -e
  e=$(date +%s.%N)
  [ "$st" = 0 ] || { echo "$1 failed (status $st), console in $T/$1.log:" >&2; tail -20 "$T/$1.log" >&2; exit 1; }
  debugfs -R 'cat /etc/systemd/system-preset/20-ignition.preset' "$T/disk.img" 2>/dev/null | grep -q 'enable hello.service' \
    || { echo "$1 did not write the preset" >&2; exit 1; }
  echo "$1 $(echo "$e - $s" | bc)"
  stages "$T/$1.log"
}

# Per stage in the guest, from the init's uptime stamps: each stage runs from its own stamp to the
# next stamp (the next stage, mounting the root, or the end), in seconds of guest time.
stages() {
  tr -d '\r' < "$1" | sed -n 's/^kindling-init: \(.*\) (uptime \([0-9.]*\))$/\2 \1/p' | awk '
    { t[NR] = $1; $1 = ""; what[NR] = substr($0, 2) }
    END {
      line = "  guest:"
      for (i = 1; i < NR; i++) if (what[i] ~ /^ignition stage /) line = line sprintf(" %s %.2f", substr(what[i], 16), t[i + 1] - t[i])
      if (NR > 0) line = line sprintf(" | init start to end %.2f", t[NR] - t[1])
      print line
    }'
}

"$HERE/build.sh" >/dev/null
for i in $(seq "$RUNS"); do
  one kindling ""
  if [ -x "$UPSTREAM" ]; then one ignition-2.14 "$T/upstream"; fi
done
