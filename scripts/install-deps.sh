#!/usr/bin/env bash
# Installs what building HiGHS needs and a fresh machine lacks: cmake (HiGHS is C++ built by
# cmake) and libclang (bindgen generates the Rust bindings). Does nothing when both are there.
set -euo pipefail

have_libclang() {
  ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1
}

if command -v cmake >/dev/null 2>&1 && have_libclang && command -v c++ >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "install-deps: installing cmake, clang and libclang (needed to build HiGHS)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq cmake clang libclang-dev g++ make >/dev/null
