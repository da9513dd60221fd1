#!/bin/bash
# dracut module "kindling": Kindling's single executable as /usr/bin/ignition, one systemd unit per
# Ignition stage, the first-boot generator, and the tools the stages run. See docs/initramfs.md.

check() {
    # Only on request (dracut --add kindling): a first-boot engine is not for every initramfs.
    return 255
}

depends() {
    # dracut-systemd brings emergency.service, where a failed stage ends.
    echo systemd dracut-systemd
}

install() {
    # dracut strips every executable in the image, and `strip` corrupts a Node single executable
    # (its injected .note.node.sea section ends up outside any segment: it segfaults at start).
    # This turns stripping off for the whole image; Debian's and Fedora's binaries come stripped.
    # shellcheck disable=SC2034
    do_strip=no
    local exe=${KINDLING_EXE:-/usr/lib/kindling/kindling}
    inst_simple "$exe" /usr/bin/kindling
    local n
    for n in ignition ignition-validate; do ln_r /usr/bin/kindling "/usr/bin/$n"; done

    # What the stages may run; optional ones are installed when the host has them.
    inst_multiple sgdisk mkfs.ext4 mkfs.xfs mkfs.fat mkswap wipefs blkid partx mount umount \
        useradd usermod userdel groupadd groupmod groupdel env
    inst_multiple -o mkfs.btrfs mdadm cryptsetup clevis setfiles udevadm systemctl modprobe \
        ignition-kargs-helper
    inst_simple /etc/mke2fs.conf 2>/dev/null

    inst_script "$moddir/kindling-generator" "$systemdutildir/system-generators/kindling-generator"
    inst_script "$moddir/kindling-emergency-message" /usr/lib/kindling/emergency-message
    local unit
    for unit in ignition-fetch-offline.service kindling-enable-network.service ignition-fetch.service \
        ignition-kargs.service ignition-disks.service ignition-remount-sysroot.service \
        ignition-mount.service ignition-files.service ignition-complete.target \
        ignition-subsequent.target kindling-emergency.target kindling-emergency-message.service; do
        inst_simple "$moddir/$unit" "$systemdsystemunitdir/$unit"
    done
}
