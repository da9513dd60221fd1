#!/bin/bash
# build.sh [OUTDIR]: the test initramfs (npm run build:initrd). Builds the single executable if
# missing, fetches the kernel once, and writes OUTDIR/initrd.cpio plus OUTDIR/boot.env (kernel, KV).
# Rebuilds only when an input changed (the key is a hash of the inputs). Default OUTDIR .cache/initrd.
# boot.env also names the bzImage (BZIMAGE) that network boots serve.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(dirname "$HERE")
OUT=${1:-$REPO/.cache/initrd}
CACHE=${KINDLING_BOOT_CACHE:-$REPO/.cache}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
# Boot suites run in parallel and share OUT: one builds, the others wait and reuse its archive.
exec 9>"$OUT/.build.lock"; flock 9
EXE=${KINDLING_EXE:-$REPO/dist/kindling}
[ -x "$EXE" ] || (cd "$REPO" && node scripts/build-sea.mjs)

read -r KV KROOT VMLINUX VMLINUZ < <("$HERE/kernel.sh" "$CACHE")
export KV KROOT
BINS="sgdisk mke2fs mkfs.ext4 mkfs.xfs mkfs.fat mkswap wipefs blkid partx mdadm cryptsetup
      useradd usermod userdel groupadd groupmod groupdel $EXE=/usr/bin/kindling"
# md and dm-crypt for storage.raid/luks; aesni_intel, xts, sha256 and the AF_ALG sockets are what
# cryptsetup's LUKS2 default (aes-xts-plain64, sha256) asks of the kernel. Not `aes`: its alias also
# pulls padlock-aes, which no QEMU CPU has.
MODS="virtio_pci virtio_blk virtio_net qemu_fw_cfg ext4 xfs vfat nls_cp437 nls_ascii nls_utf8
      md_mod raid1 dm_mod dm_crypt aesni_intel xts sha256 algif_skcipher algif_hash"

# The executable's sha256, remembered against its identity (size, inode, device, and mtime and ctime
# to the nanosecond): hashing its ~118 MB took a second or more of every boot on a busy machine. Any
# write to the file or replacement of it (build-sea, cp, an editor) moves the ctime, which no user
# can set back, so an unchanged identity means unchanged bytes. Keyed on the file rather than on the
# build's inputs because KINDLING_EXE may name an executable this tree did not build.
exe_sha256() {
  local id stamp=$OUT/exe.stamp
  id=$(stat -L -c '%s %i %d %.9Y %.9Z' "$EXE")" $EXE"
  if [ -f "$stamp" ] && [ "$(sed -n 1p "$stamp")" = "$id" ]; then sed -n 2p "$stamp"; return; fi
  local sum; sum=$(sha256sum < "$EXE" | cut -d' ' -f1)
  printf '%s\n%s\n' "$id" "$sum" > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
  echo "$sum"
}
key=$( { echo "$KV $BINS $MODS $(exe_sha256)"; sha256sum "$HERE/mkinitramfs.sh" "$HERE"/minimal/*; } | sha256sum | cut -c1-16)
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
printf 'KV=%s\nKERNEL=%s\nBZIMAGE=%s\nINITRD=%s\n' "$KV" "$VMLINUX" "$VMLINUZ" "$OUT/initrd.cpio" > "$OUT/boot.env"
echo "$OUT/initrd.cpio"
