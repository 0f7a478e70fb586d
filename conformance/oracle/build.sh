#!/usr/bin/env bash
# Builds the native oracle (needs gcc-multilib). Output: conformance/oracle/build/oracle
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
gcc -m32 -O2 -static -fno-pie -no-pie -Wall -o build/oracle oracle.c
