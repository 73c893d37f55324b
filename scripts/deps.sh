#!/usr/bin/env bash
# Installs the Debian packages a make target needs, only when something is
# missing, and says what it installs. Usage: scripts/deps.sh GROUP...
# Groups: build test cross sanitize valgrind fuzz bench.
set -euo pipefail

# Each entry is "what to look for:package": a command on PATH or an absolute path.
need_build=(cmake:cmake gcc:gcc make:make /usr/include/mbedtls/sha256.h:libmbedtls-dev
            /usr/include/mbedtls/ssl.h:libmbedtls-dev /usr/include/zlib.h:zlib1g-dev
            /usr/include/cmocka.h:libcmocka-dev /usr/include/jsmn.h:libjsmn-dev)
need_test=(python3:python3 /usr/sbin/nginx:nginx-light curl:curl openssl:openssl
           pkg-config:pkgconf git:git)
need_cross=(xtensa-lx106-elf-gcc:gcc-xtensa-lx106 xtensa-lx106-elf-as:binutils-xtensa-lx106
            /usr/lib/xtensa-lx106-elf/picolibc.specs:picolibc-xtensa-lx106-elf
            qemu-system-xtensa:qemu-system-misc arm-none-eabi-gcc:gcc-arm-none-eabi
            /usr/lib/arm-none-eabi/newlib/libc.a:libnewlib-arm-none-eabi
            qemu-system-arm:qemu-system-arm python3:python3)
need_sanitize=(clang:clang /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a:libclang-rt-14-dev)
need_valgrind=(valgrind:valgrind)
need_fuzz=(clang:clang /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev)
need_bench=(wrk:wrk hyperfine:hyperfine /usr/include/zlib.h:zlib1g-dev valgrind:valgrind curl:curl)

missing=()
for group in "$@"; do
  var="need_${group}[@]"
  if ! declare -p "need_${group}" >/dev/null 2>&1; then
    echo "deps.sh: unknown group '$group'" >&2
    exit 2
  fi
  for entry in "${!var}"; do
    what=${entry%%:*}
    pkg=${entry##*:}
    if [[ $what == /* ]]; then
      [[ -e $what ]] && continue
    else
      command -v "$what" >/dev/null 2>&1 && continue
    fi
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  done
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "abota: installing missing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "abota: run as root (or install: apt-get install ${missing[*]})" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "abota: installed ${missing[*]}"
