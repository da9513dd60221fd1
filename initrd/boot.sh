#!/bin/bash
# boot.sh [options] DISK: boots the test initramfs under QEMU against a raw disk image with one
# Ignition config and exits with the guest's status; the console goes to stdout. docs/initramfs.md.
#   --config FILE   config over fw_cfg (platform qemu)      --url URL   ignition.config.url (platform metal)
#   --overlay DIR   extra files appended as a cpio archive   --karg ARG  extra kernel argument (repeatable)
#   --no-firstboot  boot without ignition.firstboot          --root SPEC root= (default LABEL=root)
#   --net           add a NIC (implied by --url)             --mac MAC   its address (52:54:00:12:34:56)
#   --disk FILE     another raw virtio disk (vdb, vdc, ... in order; repeatable)
#   --platform ID   ignition.platform.id (default qemu with --config, metal otherwise)
#   --ipxe URL      network boot instead: the NIC's iPXE ROM fetches URL (a Matchbox /boot.ipxe) and
#                   boots what it serves; kernel arguments come from the server, not from this script
#   --uefi          with --ipxe: boot through OVMF (UEFI) instead of SeaBIOS
#   --uuid UUID     the machine's SMBIOS UUID (iPXE's ${uuid}; QEMU's default is all zeros)
# Exit: 0 provisioned/booted, 1-123 the failing stage's status, 124 timeout, 125 QEMU failed,
# 126 the guest ended without reporting.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CONFIG="" URL="" OVERLAYS=() KARGS=() MACHINE=() FIRSTBOOT=1 ROOT=LABEL=root NET=0 MAC=52:54:00:12:34:56
PLATFORM="" IPXE="" UEFI=0 DIRECT_ONLY=()
while [ $# -gt 1 ]; do
  case $1 in
    --config) CONFIG=$2; DIRECT_ONLY+=("$1"); shift 2;;
    --url) URL=$2; NET=1; DIRECT_ONLY+=("$1"); shift 2;;
    --overlay) OVERLAYS+=("$2"); DIRECT_ONLY+=("$1"); shift 2;;
    --karg) KARGS+=("$2"); DIRECT_ONLY+=("$1"); shift 2;;
    --no-firstboot) FIRSTBOOT=0; DIRECT_ONLY+=("$1"); shift;;
    --root) ROOT=$2; DIRECT_ONLY+=("$1"); shift 2;;
    --platform) PLATFORM=$2; DIRECT_ONLY+=("$1"); shift 2;;
    --ipxe) IPXE=$2; shift 2;;
    --uefi) UEFI=1; shift;;
    --uuid) MACHINE+=(-uuid "$2"); shift 2;;
    --net) NET=1; shift;;
    --mac) MAC=$2; shift 2;;
    --disk) MACHINE+=(-drive "file=$2,format=raw,if=virtio,cache=unsafe"); shift 2;;
    *) echo "boot.sh: unknown argument: $1" >&2; exit 2;;
  esac
done
DISK=${1:?usage: boot.sh [options] DISK}
[ -f "$DISK" ] || { echo "boot.sh: no disk image $DISK" >&2; exit 2; }
if [ -n "$IPXE" ] && [ "${#DIRECT_ONLY[@]}" -gt 0 ]; then
  echo "boot.sh: ${DIRECT_ONLY[*]}: the server's iPXE script sets the kernel, initramfs and arguments of an --ipxe boot" >&2; exit 2
fi
[ "$UEFI" = 0 ] || [ -n "$IPXE" ] || { echo "boot.sh: --uefi needs --ipxe" >&2; exit 2; }

OUT=${KINDLING_INITRD_DIR:-$(dirname "$HERE")/.cache/initrd}
"$HERE/build.sh" "$OUT" >&2
# shellcheck source=/dev/null
. "$OUT/boot.env"

T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# The status of qemu-boot.sh as boot.sh reports it (see the header).
result() {
  case $1 in
    124) exit 124;;
    0) exit 126;;
    1) exit 125;;
    *) exit $(( ($1 >> 1) - 1 ));;
  esac
}

if [ -n "$IPXE" ]; then
  # The virtio NIC keeps its iPXE option ROM (Debian's ipxe-qemu); user networking's DHCP hands it
  # the script's URL as the boot file. -boot n is SeaBIOS's order; OVMF follows bootindex.
  NETBOOT=(-netdev "user,id=n0,bootfile=$IPXE" -device "virtio-net-pci,netdev=n0,mac=$MAC,bootindex=1" -boot n)
  if [ "$UEFI" = 1 ]; then
    OVMF=${OVMF_DIR:-/usr/share/OVMF}
    [ -f "$OVMF/OVMF_CODE_4M.fd" ] || { echo "boot.sh: no $OVMF/OVMF_CODE_4M.fd (apt-get install ovmf)" >&2; exit 2; }
    cp "$OVMF/OVMF_VARS_4M.fd" "$T/vars.fd"
    NETBOOT+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF/OVMF_CODE_4M.fd"
              -drive "if=pflash,format=raw,unit=1,file=$T/vars.fd")
  fi
  set +e
  "$HERE/qemu-boot.sh" - - "$DISK" "" "${MACHINE[@]}" "${NETBOOT[@]}"
  st=$?
  set -e
  result "$st"
fi

IMG=$INITRD
if [ "${#OVERLAYS[@]}" -gt 0 ]; then
  # Later archives replace earlier files of the same name: the big base is built once.
  mkdir "$T/overlay"
  for o in "${OVERLAYS[@]}"; do cp -a "$o"/. "$T/overlay"/; done
  ( cd "$T/overlay" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet ) > "$T/overlay.cpio"
  cat "$INITRD" "$T/overlay.cpio" > "$T/initrd.img"
  IMG=$T/initrd.img
fi

args=(root="$ROOT" kindling.exit=poweroff)
[ "$FIRSTBOOT" = 1 ] && args+=(ignition.firstboot)
QEMU_EXTRA=("${MACHINE[@]}")
if [ -n "$CONFIG" ]; then
  QEMU_EXTRA+=(-fw_cfg "name=opt/com.coreos/config,file=$CONFIG")
  args+=(ignition.platform.id="${PLATFORM:-qemu}")
else
  args+=(ignition.platform.id="${PLATFORM:-metal}")
  [ -n "$URL" ] && args+=("ignition.config.url=$URL")
fi
# romfile= keeps SeaBIOS from loading the NIC's iPXE ROM.
[ "$NET" = 1 ] && QEMU_EXTRA+=(-netdev user,id=n0 -device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=")
args+=("${KARGS[@]}")

set +e
"$HERE/qemu-boot.sh" "$KERNEL" "$IMG" "$DISK" "${args[*]}" "${QEMU_EXTRA[@]}"
st=$?
set -e
result "$st"
