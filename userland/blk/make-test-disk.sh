#!/bin/sh
# Makes the disk image the blk tests read: SECTORS 512-byte sectors (default 8192, 4 MiB) in
# which the 8-byte little-endian word w of sector s is 0xb10c000000000000 | s << 16 | w (the
# tests' blk_pattern). With a third argument, also writes a blkdebug configuration there that
# fails reads of sector READ_BAD and writes of sector WRITE_BAD (QEMU answers VIRTIO_BLK_S_IOERR).
#
# usage: make-test-disk.sh IMAGE [SECTORS] [BLKDEBUG_CONF READ_BAD WRITE_BAD]
set -eu
img=$1
sectors=${2:-8192}
tmp="$img.tmp.$$"
perl -e '
    my $n = shift;
    binmode STDOUT;
    for my $s (0 .. $n - 1) {
        print pack("Q<*", map { 0xb10c000000000000 | ($s << 16) | $_ } 0 .. 63);
    }' "$sectors" >"$tmp"
mv "$tmp" "$img"
if [ $# -ge 5 ]; then
    cat >"$3" <<CONF
[inject-error]
event = "read_aio"
iotype = "read"
errno = "5"
sector = "$4"

[inject-error]
event = "write_aio"
iotype = "write"
errno = "5"
sector = "$5"
CONF
fi
