#!/usr/bin/env bash
# Builds a statically linked ctenter (static-pie, with glibc's static libc: libc6-dev's libc.a; rustup has no musl
# target here) and prints the binary's path. ctenter makes no NSS calls (no getpwnam: users are
# looked up in the container's own /etc/passwd), so a static glibc binary lacks nothing; the
# check below fails the build if that ever changes. Its own target dir keeps it from contending
# with (or waiting on) the regular build's lock, e.g. when a test runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-gnu
export CARGO_TARGET_DIR=${CTENTER_STATIC_TARGET_DIR:-$PWD/target/static}
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
  cargo build --locked --release --quiet --target $target --bin ctenter
bin=$CARGO_TARGET_DIR/$target/release/ctenter
# A static glibc binary that calls getpwnam & co. links with a warning and fails at run time
# without the host's libnss_*.so: refuse that (and any dynamic section) here.
# static-pie: the dynamic section only relocates the binary itself; it must need no library.
if readelf -d "$bin" | grep -q '(NEEDED)'; then
  echo "build-static: $bin needs shared libraries: $(readelf -d "$bin" | grep '(NEEDED)')" >&2
  exit 1
fi
if readelf -lW "$bin" | grep -q 'INTERP'; then
  echo "build-static: $bin has a program interpreter" >&2
  exit 1
fi
if nm "$bin" 2>/dev/null | grep -qE ' (U|T|W) (getpwnam|getpwuid|getgrnam|getgrgid|getaddrinfo|gethostbyname)'; then
  echo "build-static: $bin calls NSS functions, which a static glibc cannot serve" >&2
  exit 1
fi
echo "$bin"
