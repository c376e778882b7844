#!/usr/bin/env bash
# Build "Second Look.app" and SecondLook-<version>.pkg on a Mac (Xcode
# command line tools; rustup targets aarch64-apple-darwin and
# x86_64-apple-darwin). NOT run on the Linux build machine: unverified there.
#
#   packaging/macos/build-pkg.sh [DEVELOPER_ID_APP] [DEVELOPER_ID_INSTALLER]
#
# With the two signing identities it signs the app (hardened runtime) and
# the package; notarise afterwards with
#   xcrun notarytool submit target/dist/SecondLook-<v>.pkg --keychain-profile <p> --wait
#   xcrun stapler staple target/dist/SecondLook-<v>.pkg
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
APP_ID=${1:-}
PKG_ID=${2:-}
for t in aarch64-apple-darwin x86_64-apple-darwin; do
    cargo build --release --locked --target "$t"
done
DIST=target/dist/macos
APP="$DIST/root/Applications/Second Look.app"
rm -rf "$DIST"
mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources" "$DIST/root/Library/LaunchAgents" "$DIST/scripts"
lipo -create -output "$APP/Contents/MacOS/secondlook" \
    target/aarch64-apple-darwin/release/secondlook target/x86_64-apple-darwin/release/secondlook
sed "s/@VERSION@/$VERSION/g" packaging/macos/Info.plist > "$APP/Contents/Info.plist"
# Icon: iconset from the PNGs.
ICONSET="$DIST/second-look.iconset"
mkdir -p "$ICONSET"
for s in 16 32 128 256; do cp "assets/icons/second-look-$s.png" "$ICONSET/icon_${s}x${s}.png"; done
iconutil -c icns -o "$APP/Contents/Resources/second-look.icns" "$ICONSET"
cp packaging/macos/com.example.secondlook.plist "$DIST/root/Library/LaunchAgents/"
# The managed policy: /Library/Application Support/SecondLook/policy.toml
# (IT's; the package only ships the example next to it).
mkdir -p "$DIST/root/Library/Application Support/SecondLook"
cp packaging/policies/twilio-like.toml "$DIST/root/Library/Application Support/SecondLook/policy.toml.example"
# The documentation IT and the security team need, inside the bundle.
mkdir -p "$APP/Contents/Resources/docs"
cp README.md docs/reporting.md docs/deploying.md docs/policy.md "$APP/Contents/Resources/docs/"
if [ -n "$APP_ID" ]; then
    codesign --force --options runtime --timestamp --sign "$APP_ID" "$APP"
fi
pkgbuild --root "$DIST/root" --identifier com.example.secondlook --version "$VERSION" \
    --install-location / "$DIST/SecondLook-$VERSION-unsigned.pkg"
if [ -n "$PKG_ID" ]; then
    productsign --sign "$PKG_ID" "$DIST/SecondLook-$VERSION-unsigned.pkg" "target/dist/SecondLook-$VERSION.pkg"
else
    mv "$DIST/SecondLook-$VERSION-unsigned.pkg" "target/dist/SecondLook-$VERSION-unsigned.pkg"
fi
