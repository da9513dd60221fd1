#!/bin/bash
# mkinitramfs.sh OUT [--overlay DIR]... [--bins "prog src=dst ..."] [--mods "mod ..."]: writes an
# uncompressed newc cpio of static busybox, host programs with the libraries ldd lists, and kernel
# modules in dependency order (/etc/modules.load) with a modules.dep of their own. Needs KV, KROOT.
set -euo pipefail
KV=${KV:?set KV (kernel version)}; KROOT=${KROOT:?set KROOT (unpacked, depmod-ed kernel package)}
OUT=$1; shift
OVERLAYS=() BINS="" MODS=""
while [ $# -gt 0 ]; do
  case $1 in
    --overlay) OVERLAYS+=("$2"); shift 2;;
    --bins) BINS=$2; shift 2;;
    --mods) MODS=$2; shift 2;;
    *) echo "mkinitramfs.sh: unknown argument: $1" >&2; exit 2;;
  esac
done
R=$(mktemp -d); trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib64,lib/x86_64-linux-gnu,proc,sys,dev,run,tmp,etc,sysroot,mnt,root}

BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || { echo "mkinitramfs.sh: needs a static busybox (busybox-static)" >&2; exit 1; }
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done

# A program lands at the same path as on the host (or at dst for src=dst), with what ldd names.
copy_with_libs() {
  local src=$1 dst=$2 lib
  mkdir -p "$R$(dirname "$dst")"; rm -f "$R$dst"; cp -L "$src" "$R$dst"
  for lib in $(ldd "$src" 2>/dev/null | grep -oE '/[^ ]+' || true); do
    [ -e "$R$lib" ] || { mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"; }
  done
}
for b in $BINS; do
  case $b in
    *=*) copy_with_libs "${b%%=*}" "${b#*=}";;
    *) p=$(command -v "$b") || { echo "mkinitramfs.sh: not found on the host: $b" >&2; exit 1; }
       copy_with_libs "$p" "$p";;
  esac
done
[ -e /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$R/etc/"

: > "$R/etc/modules.load"
for m in $MODS; do
  modprobe -d "$KROOT" -S "$KV" --show-depends "$m" || { echo "mkinitramfs.sh: no such module: $m" >&2; exit 1; }
done | awk '$1=="insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
  rel=${ko#"$KROOT"}
  mkdir -p "$R$(dirname "$rel")"; cp "$ko" "$R$rel"; echo "$rel" >> "$R/etc/modules.load"
done
if [ -s "$R/etc/modules.load" ]; then
  # modprobe works in the guest too (anything that runs `modprobe qemu_fw_cfg` needs it).
  cp "$KROOT/lib/modules/$KV"/modules.{builtin,builtin.modinfo,order} "$R/lib/modules/$KV/"
  depmod -b "$R" "$KV"
fi

echo "root:x:0:0:root:/root:/bin/sh" > "$R/etc/passwd"
echo "root:x:0:" > "$R/etc/group"
for o in "${OVERLAYS[@]}"; do cp -a "$o"/. "$R"/; done
[ -e "$R/init" ] && chmod 755 "$R/init"
# Fixed mtimes and sorted names: the same inputs give the same archive.
find "$R" -exec touch -h -d @0 {} +
( cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet --reproducible ) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs.sh: built $OUT ($(du -h "$OUT" | cut -f1))"
