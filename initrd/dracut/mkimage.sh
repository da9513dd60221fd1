#!/bin/bash
# mkimage.sh OUT: a dracut (systemd) initramfs with the kindling module for the cached Debian kernel,
# to boot under QEMU (test/boot/dracut-boot.test.ts). Uses the host's dracut with a private copy of
# its module tree, so nothing is installed on the host. KINDLING_EXE: the executable to ship.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:?usage: mkimage.sh OUT}
command -v dracut >/dev/null || { echo "mkimage.sh: dracut is not installed (apt-get install dracut-core)" >&2; exit 1; }
read -r KV KROOT _ < <("$REPO/initrd/kernel.sh" "${KINDLING_BOOT_CACHE:-$REPO/.cache}")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cp -a /usr/lib/dracut "$T/dracut"
cp -a "$HERE/30kindling" "$T/dracut/modules.d/30kindling"
dracutbasedir="$T/dracut" KINDLING_EXE=${KINDLING_EXE:-$REPO/dist/kindling} dracut --force --quiet \
  --no-hostonly --kver "$KV" --kmoddir "$KROOT/lib/modules/$KV" --modules "kindling base" \
  --add-drivers "virtio_pci virtio_blk qemu_fw_cfg ext4" --omit "plymouth i18n" --no-compress \
  --tmpdir "$T" "$OUT"
