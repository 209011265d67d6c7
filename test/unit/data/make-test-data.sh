#!/usr/bin/env bash
# Makes the real-tool inputs for test_cpio and test_elf in OUTDIR (the build runs this; the
# outputs are not committed):
#   sample.cpio  `cpio -o -H newc` of a small tree with a subdirectory, as an initrd is made
#   hello.elf    a tiny static, freestanding aarch64 program from aarch64-linux-gnu-gcc
#   hello.load   what binutils' readelf says of hello.elf, as an independent answer for the
#                parser: "entry ADDR", then "load VADDR MEMSZ OFFSET FILESZ FLAGS" per PT_LOAD
# The tests check names, sizes and contents against what this script writes, so keep the two
# in step.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- sample.cpio -----------------------------------------------------------------------------
# Names are listed in a fixed order (no find(1) ordering) and sizes chosen to exercise the
# padding: 0, 1, 4 and 4097 bytes, and names of different lengths.
tree=$work/tree
mkdir -p "$tree/bin" "$tree/etc"
printf 'init file\n' >"$tree/init"                      # 10 bytes
printf 'x' >"$tree/bin/x"                               # 1 byte
printf 'abcd' >"$tree/bin/four"                         # 4 bytes
: >"$tree/etc/empty"                                    # 0 bytes
head -c 4097 /dev/zero | tr '\0' 'z' >"$tree/etc/big"   # 4097 bytes
(cd "$tree" && printf '%s\n' . init bin bin/x bin/four etc etc/empty etc/big |
    cpio --quiet -o -H newc >"$out/sample.cpio")

# --- hello.elf -------------------------------------------------------------------------------
# Code (R X) and initialised plus zeroed data (RW): two PT_LOAD segments, as a real user
# program has, plus PT_GNU_STACK (and PT_GNU_RELRO with some binutils) that the parser skips.
cat >"$work/hello.c" <<'C'
static const char msg[] = "hello\n";
int counter = 1;
static int zeros[64];

void _start(void)
{
    for (unsigned i = 0; i < sizeof(msg); i++)
        zeros[i % 64] += msg[i] + counter;
    for (;;)
        __asm__ volatile("wfi");
}
C
# The text segment address is pinned (it is ld's default on AArch64) so the tests can name it.
aarch64-linux-gnu-gcc -std=gnu11 -O2 -ffreestanding -static -nostdlib -fno-pie -no-pie \
    -Wl,--build-id=none -Wl,-Ttext-segment=0x400000 -o "$out/hello.elf" "$work/hello.c"

readelf=$(command -v aarch64-linux-gnu-readelf || command -v readelf)
{
    "$readelf" -hW "$out/hello.elf" | awk '/Entry point address:/ { print "entry", $4 }'
    # -lW rows: LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align; flags may be split
    # ("R E"), so join the fields between MemSiz and Align.
    "$readelf" -lW "$out/hello.elf" | awk '$1 == "LOAD" {
        flags = ""
        for (i = 7; i < NF; i++) flags = flags $i
        print "load", $3, $6, $2, $5, flags
    }'
} >"$out/hello.load"
