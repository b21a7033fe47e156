#!/usr/bin/env bash
# Renders every icon the packages and the tray need from the two SVG sources in this folder, so the PNGs, ICO
# and tray images are reproducible. Needs rsvg-convert and ImageMagick:
#   apt-get install librsvg2-bin imagemagick
#   bash assets/generate-icons.sh
#
# What each OS wants:
#   icons/NxN.png        Linux hicolor sizes 16–512 (electron-builder installs them into the desktop's icon theme)
#   icon.png (1024)      macOS: electron-builder builds the .icns from it; also the window icon in development
#   icon.ico             Windows: 16, 24, 32, 48, 64, 128, 256 in one file (installer, shortcuts, taskbar)
#   tray/*.png           tray: 24 px and @2x 48 px; plain, unread (amber dot) and highlight (red dot);
#                        badge.png, the 16 px dot Windows overlays on the taskbar button (it has no badge count)
#   tray/*Template.png   macOS menu bar: 16 px and @2x 32 px, black with alpha (macOS tints template images to
#                        the menu bar); unread is a ring, highlight a large dot, in the top right dot's place
set -euo pipefail
cd "$(dirname "$0")"
command -v rsvg-convert >/dev/null || { echo "generate-icons: rsvg-convert is missing (apt-get install librsvg2-bin)" >&2; exit 1; }
command -v convert >/dev/null || { echo "generate-icons: ImageMagick is missing (apt-get install imagemagick)" >&2; exit 1; }

render() { rsvg-convert -w "$2" -h "$2" -o "$3" "$1"; }

mkdir -p icons tray
for size in 16 24 32 48 64 128 256 512; do render icon.svg "$size" "icons/${size}x${size}.png"; done
render icon.svg 1024 icon.png
convert icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png icons/128x128.png \
  icons/256x256.png icon.ico

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
badge() { sed "s|<!--BADGE-->|<circle cx=\"38\" cy=\"10\" r=\"9\" fill=\"$1\" stroke=\"#ffffff\" stroke-width=\"3\"/>|" tray.svg; }
cp tray.svg "$tmp/tray.svg"
badge '#f5a524' >"$tmp/tray-unread.svg"
badge '#e5484d' >"$tmp/tray-highlight.svg"
for name in tray tray-unread tray-highlight; do
  render "$tmp/$name.svg" 24 "tray/$name.png"
  render "$tmp/$name.svg" 48 "tray/$name@2x.png"
done
printf '%s\n' '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' \
  '<circle cx="8" cy="8" r="7" fill="#e5484d" stroke="#ffffff" stroke-width="1.5"/></svg>' >"$tmp/badge.svg"
render "$tmp/badge.svg" 16 tray/badge.png
# macOS template images: the file name ending in "Template" is what makes Electron mark them so.
template() { sed -e "s|<!--MARK-->|$1|" tray-template.svg; }
template '<circle cx="26" cy="6" r="3"/>' >"$tmp/trayTemplate.svg"
template '<circle cx="26" cy="6" r="4.25" fill="none" stroke="#000" stroke-width="2.5"/>' >"$tmp/tray-unreadTemplate.svg"
template '<circle cx="26" cy="6" r="5.5"/>' >"$tmp/tray-highlightTemplate.svg"
for name in trayTemplate tray-unreadTemplate tray-highlightTemplate; do
  render "$tmp/$name.svg" 16 "tray/$name.png"
  render "$tmp/$name.svg" 32 "tray/$name@2x.png"
done
echo "generate-icons: done"
