#!/bin/bash
# kernel.sh CACHE_DIR: fetches Debian's amd64 kernel package once into CACHE_DIR/kernel, runs depmod
# on the unpacked tree (the .deb ships no modules.dep) and extracts the uncompressed vmlinux for a
# PVH boot (qemu-boot.md §4), keeping the bzImage beside it as vmlinuz for boot loaders (iPXE, the
# EFI stub). Prints "KV KROOT VMLINUX VMLINUZ". KINDLING_KERNEL_PKG pins another package.
set -euo pipefail
CACHE=${1:?usage: kernel.sh CACHE_DIR}
K="$CACHE/kernel"
mkdir -p "$K"
K=$(cd "$K" && pwd)

if [ ! -s "$K/KV" ] || [ ! -s "$K/vmlinux" ] || [ ! -s "$K/vmlinuz" ]; then
  pkg=${KINDLING_KERNEL_PKG:-}
  if [ -z "$pkg" ]; then
    # The ABI number in the name moves with point releases; ask apt which one is current.
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  fi
  [ -n "$pkg" ] || { echo "kernel.sh: no linux-image-*-amd64 package known to apt (run apt-get update)" >&2; exit 1; }
  deb=$(ls "$K"/"$pkg"_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    (cd "$K" && apt-get download "$pkg" >/dev/null)
    deb=$(ls "$K"/"$pkg"_*.deb | head -1)
  fi
  rm -rf "$K/root" && mkdir -p "$K/root"
  dpkg -x "$deb" "$K/root"
  kv=${pkg#linux-image-}
  depmod -b "$K/root" "$kv"
  # grep stops at its first match (-m1), so head closing the pipe cannot fail the pipeline.
  off=$(grep -abo -m1 $'\xfd7zXZ' "$K/root/boot/vmlinuz-$kv" | head -1 | cut -d: -f1)
  # --single-stream: the bzImage has data after the XZ stream, which would otherwise be an error.
  # xz stops reading at the end of the stream, so tail may die of SIGPIPE: only xz's status counts.
  set +o pipefail
  tail -c +$((off + 1)) "$K/root/boot/vmlinuz-$kv" | xz -dc --single-stream > "$K/vmlinux.tmp"
  [ "${PIPESTATUS[1]}" -eq 0 ] || { echo "kernel.sh: cannot extract vmlinux" >&2; exit 1; }
  set -o pipefail
  mv "$K/vmlinux.tmp" "$K/vmlinux"
  cp "$K/root/boot/vmlinuz-$kv" "$K/vmlinuz.tmp" && mv "$K/vmlinuz.tmp" "$K/vmlinuz"
  # The unpacked tree keeps only what the initramfs builder reads.
  rm -rf "$K/root/usr/share" "$K/root/boot"
  echo "$kv" > "$K/KV"
fi
echo "$(cat "$K/KV") $K/root $K/vmlinux $K/vmlinuz"
