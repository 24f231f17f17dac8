#!/usr/bin/env bash
# Makes sure Docker can build and run the platform's images on this machine (as `make test` needs for
# tests/test_compose_stack.py): Debian's docker.io, docker-compose and debootstrap, and a running daemon.
# Where no daemon runs (a CI machine without systemd), one is started in the background with the
# overlay2 storage driver (vfs where overlay mounts are not allowed) and without iptables rules: the
# stack publishes nginx on loopback only and builds use the host's network.
set -euo pipefail
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)

missing=()
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if $SUDO docker info >/dev/null 2>&1; then
    exit 0
fi
driver=vfs
probe=$(mktemp -d)
mkdir -p "$probe"/{l,u,w,m}
if $SUDO mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
    $SUDO umount "$probe/m"
    driver=overlay2
fi
rm -rf "$probe"
echo "==> starting dockerd (storage driver $driver)"
$SUDO sh -c "nohup dockerd --storage-driver=$driver --iptables=false --bridge=none >/var/log/mfd-dockerd.log 2>&1 &"
for _ in $(seq 60); do
    $SUDO docker info >/dev/null 2>&1 && exit 0
    sleep 1
done
echo "dockerd did not start; see /var/log/mfd-dockerd.log" >&2
exit 1
