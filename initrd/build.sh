#!/bin/bash
# build.sh [OUTDIR]: the test initramfs (npm run build:initrd). Builds the single executable if
# missing, fetches the kernel once, and writes OUTDIR/initrd.cpio plus OUTDIR/boot.env (kernel, KV).
# Rebuilds only when an input changed (the key is a hash of the inputs). Default OUTDIR .cache/initrd.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(dirname "$HERE")
OUT=${1:-$REPO/.cache/initrd}
CACHE=${KINDLING_BOOT_CACHE:-$REPO/.cache}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
# Boot suites run in parallel and share OUT: one builds, the others wait and reuse its archive.
exec 9>"$OUT/.build.lock"; flock 9
EXE=${KINDLING_EXE:-$REPO/dist/kindling}
[ -x "$EXE" ] || (cd "$REPO" && node scripts/build-sea.mjs)

read -r KV KROOT VMLINUX < <("$HERE/kernel.sh" "$CACHE")
export KV KROOT
BINS="sgdisk mke2fs mkfs.ext4 mkfs.xfs mkfs.fat mkswap wipefs blkid partx mdadm cryptsetup
      useradd usermod userdel groupadd groupmod groupdel $EXE=/usr/bin/kindling"
# md and dm-crypt for storage.raid/luks; aesni_intel, xts, sha256 and the AF_ALG sockets are what
# cryptsetup's LUKS2 default (aes-xts-plain64, sha256) asks of the kernel. Not `aes`: its alias also
# pulls padlock-aes, which no QEMU CPU has.
MODS="virtio_pci virtio_blk virtio_net qemu_fw_cfg ext4 xfs vfat nls_cp437 nls_ascii nls_utf8
      md_mod raid1 dm_mod dm_crypt aesni_intel xts sha256 algif_skcipher algif_hash"

key=$( { echo "$KV $BINS $MODS"; sha256sum "$EXE" "$HERE/mkinitramfs.sh" "$HERE"/minimal/*; } | sha256sum | cut -c1-16)
if [ "$(cat "$OUT/initrd.key" 2>/dev/null)" != "$key" ] || [ ! -s "$OUT/initrd.cpio" ]; then
  O=$(mktemp -d); trap 'rm -rf "$O"' EXIT
  mkdir -p "$O/etc" "$O/usr/bin"
  cp "$HERE/minimal/init" "$O/init"
  cp "$HERE/minimal/udhcpc.script" "$O/etc/udhcpc.script"
  # One executable, dispatched on the name it is started under.
  for n in ignition ignition-validate butane; do ln -s kindling "$O/usr/bin/$n"; done
  # shellcheck disable=SC2086
  "$HERE/mkinitramfs.sh" "$OUT/initrd.cpio" --overlay "$O" --bins "$(echo $BINS)" --mods "$(echo $MODS)"
  echo "$key" > "$OUT/initrd.key"
fi
printf 'KV=%s\nKERNEL=%s\nINITRD=%s\n' "$KV" "$VMLINUX" "$OUT/initrd.cpio" > "$OUT/boot.env"
echo "$OUT/initrd.cpio"
