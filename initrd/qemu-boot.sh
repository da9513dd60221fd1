#!/bin/bash
# qemu-boot.sh KERNEL INITRD DISK "kernel args" [qemu args...]: boots under TCG (KVM does not work on
# our hosts) with the console on stdout; exits with QEMU's status (isa-debug-exit: 3 = guest rc 0).
# KERNEL "-" boots no kernel directly: the firmware boots from what the qemu args add (a NIC).
set -u
KERNEL=$1 INITRD=$2 DISK=$3 KARGS=$4; shift 4
DIRECT=()
[ "$KERNEL" = - ] || DIRECT=(-kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 panic=-1 ${KLOG:-quiet} $KARGS")
exec timeout "${QEMU_TIMEOUT:-300}" qemu-system-x86_64 \
  -accel tcg -cpu max -smp "${SMP:-2}" -m "${MEM:-2048}" \
  -nodefaults -nographic -no-reboot -serial stdio -display none \
  "${DIRECT[@]}" \
  -drive file="$DISK",format=raw,if=virtio,cache=unsafe \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  "$@" </dev/null
