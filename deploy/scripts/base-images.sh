#!/usr/bin/env bash
# Builds the images the Dockerfile and compose.yaml name, from Debian's packages, when no image registry
# is reachable: a bookworm root file system made with debootstrap (Python 3.11, the PostgreSQL 15 client
# for backups, tzdata) imported as mfd/debian-python, then mfd/postgres and mfd/redis on top of it.
#
# Each image is tagged by a hash of what it is made from and built only when that tag is missing, so a
# second run costs seconds. Needs root (debootstrap) and a running Docker daemon.
#
#   deploy/scripts/base-images.sh            build what is missing
#   FORCE=1 deploy/scripts/base-images.sh    build everything again
set -euo pipefail
cd "$(dirname "$0")/../.."

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=python3,python3-venv,ca-certificates,tzdata,postgresql-client-15
BASE=mfd/debian-python
BASE_TAG=3.11-$SUITE

say() { echo "==> $*"; }
content_tag() { cat "$@" | sha256sum | cut -c1-12; }
have() { [ -z "${FORCE:-}" ] && docker image inspect "$1" >/dev/null 2>&1; }

# Certificates the build host trusts beyond Debian's (a company proxy's CA, say) go into the base image,
# so pip inside the image build can reach the package index the way this host does.
extra_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${extra_cas[0]}" ] || extra_cas=()

# bump RECIPE when the way the root file system is made changes
RECIPE=1
base_hash=$(printf '%s %s %s %s\n' "$RECIPE" "$SUITE" "$MIRROR" "$PACKAGES" | cat - "${extra_cas[@]}" | sha256sum | cut -c1-12)
if have "$BASE:$base_hash"; then
    say "$BASE:$base_hash is there"
else
    say "building $BASE:$base_hash with debootstrap ($SUITE)"
    rootfs=$(mktemp -d /tmp/mfd-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$MIRROR" >/dev/null
    if [ ${#extra_cas[@]} -gt 0 ]; then
        cp "${extra_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
        chroot "$rootfs" update-ca-certificates >/dev/null
    fi
    chroot "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
    tar -C "$rootfs" -c . | docker import \
        --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["/bin/bash"]' - "$BASE:$base_hash" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
fi
docker tag "$BASE:$base_hash" "$BASE:$BASE_TAG"

for service in postgres redis nginx; do
    dir=deploy/images/$service
    hash=$(printf '%s\n' "$base_hash" | cat - "$dir"/* | sha256sum | cut -c1-12)
    if have "mfd/$service:$hash"; then
        say "mfd/$service:$hash is there"
    else
        say "building mfd/$service:$hash"
        docker build --quiet --network host --build-arg "BASE_IMAGE=$BASE:$BASE_TAG" -t "mfd/$service:$hash" "$dir" >/dev/null
    fi
    docker tag "mfd/$service:$hash" "mfd/$service:local"
done
say "images: $BASE:$BASE_TAG mfd/postgres:local mfd/redis:local mfd/nginx:local"
