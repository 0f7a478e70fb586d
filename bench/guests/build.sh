#!/usr/bin/env bash
# Builds the guest programs as multiboot kernels (and, for CPU workloads, as native Linux i386
# programs of the same source). Needs gcc-multilib; the outputs in bin/ are committed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p bin
CFLAGS="-m32 -march=i686 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -nostdlib -fno-asynchronous-unwind-tables -Wall"
build_kernel() {
  local name=$1; shift
  gcc $CFLAGS -c src/start.S -o /tmp/warp86-start.o
  gcc $CFLAGS -no-pie -T src/guest.ld -Wl,--build-id=none -o "bin/$name.elf" /tmp/warp86-start.o "$@" -lgcc
  echo "built bin/$name.elf ($(stat -c %s "bin/$name.elf") bytes)" >&2
}
build_kernel hello src/hello.c
build_kernel paging-test src/paging-test.c
for workload in src/workloads/*.c; do
  [ -e "$workload" ] || continue
  name=$(basename "$workload" .c)
  build_kernel "$name" -DGUEST "$workload"
  gcc -m32 -march=i686 -O2 -static -DNATIVE -o "bin/$name.native" "$workload"
  echo "built bin/$name.native" >&2
done
