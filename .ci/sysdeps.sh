#!/usr/bin/env bash
# System packages some tests need: Chromium (the highlight page is checked in a real browser),
# a CJK font (charts label tasks in Chinese; test PDFs are written with it) and antiword
# (reads .doc/.wps attachments). Installed only where missing and where
# apt-get can run as root; elsewhere the tests that need them skip and say why.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v antiword >/dev/null || need+=(antiword)
fc-list 2>/dev/null | grep -qiE "wqy|noto (sans|serif) cjk|droid sans fallback" || need+=(fonts-wqy-microhei fontconfig)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "sysdeps: not installing ${need[*]} (needs root and apt-get); tests that need them will skip" >&2
  exit 0
fi
echo "sysdeps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null \
  || echo "sysdeps: could not install ${need[*]}; tests that need them will skip" >&2
exit 0
