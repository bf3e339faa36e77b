#!/bin/sh
# Fetches Debian's non-free NVIDIA pieces that work without a GPU, into a cache, with a private apt state
# (nothing installed, no system sources or package lists changed):
#   $CACHE/x/usr/bin/ptxas                                          (nvidia-cuda-toolkit: assembles PTX for sm_80/sm_90)
#   $CACHE/x/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.1   (libcuda1: the real driver library, no kernel module)
# CACHE defaults to ~/.cache/bridge/nvidia. Prints what it downloaded and how long it took. Idempotent.
set -eu
CACHE=${CACHE:-$HOME/.cache/bridge/nvidia}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PACKAGES=${PACKAGES:-"nvidia-cuda-toolkit libcuda1"}
if [ -x "$CACHE/x/usr/bin/ptxas" ] && [ -e "$CACHE/x/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.1" ]; then
  echo "fetch-nvidia: cached in $CACHE"; exit 0
fi
mkdir -p "$CACHE/state/lists/partial" "$CACHE/cache/archives/partial" "$CACHE/parts" "$CACHE/debs" "$CACHE/x"
cat > "$CACHE/parts/nonfree.sources" <<SRC
Types: deb
URIs: $MIRROR
Suites: bookworm
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
: > "$CACHE/state/status"
APT="-o Dir::State=$CACHE/state -o Dir::State::status=$CACHE/state/status -o Dir::Cache=$CACHE/cache -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$CACHE/parts -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
start=$(date +%s)
apt-get $APT -qq update
# The toolkit's own dependencies (libnvvm, libcu*...) are not needed for ptxas; only the named packages.
cd "$CACHE/debs"
apt-get $APT -qq download $PACKAGES
for deb in *.deb; do dpkg-deb -x "$deb" "$CACHE/x"; done
end=$(date +%s)
echo "fetch-nvidia: $(du -ch "$CACHE"/debs/*.deb | tail -1 | cut -f1) of .deb ($(ls "$CACHE"/debs | tr '\n' ' ')) in $((end - start)) s, extracted $(du -sh "$CACHE/x" | cut -f1) to $CACHE/x"
ls -la "$CACHE/x/usr/bin/ptxas" "$CACHE/x/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.1"
