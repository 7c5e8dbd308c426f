#!/usr/bin/env bash
# Writes to stdout a tar of a minimal root filesystem: busybox-static with its applet links, and
# passwd/group with root and nobody. No registry is reachable here, so every test image comes
# from this: `scripts/busybox-rootfs.sh | docker import - <tag>`.
set -euo pipefail

busybox=
for candidate in /bin/busybox /usr/bin/busybox; do [ -x "$candidate" ] && busybox=$candidate && break; done
[ -n "$busybox" ] || { echo "busybox-rootfs: busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/proc" "$root/sys" "$root/dev"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
tar -C "$root" -c .
