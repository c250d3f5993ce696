#!/usr/bin/env bash
# Vendor the front-end assets the portal serves itself (no CDN at run time).
#
# Fetches pinned package tarballs from the npm registry with `npm pack`
# (no dependency install, no node_modules in the project) and copies only the
# minified dist files plus each package's licence into static/vendor/:
#
#   static/vendor/tabler/{tabler.min.css,tabler.min.js,LICENSE}
#   static/vendor/echarts/{echarts.min.js,LICENSE}
#   static/vendor/htmx/{htmx.min.js,LICENSE}
#   static/vendor/VERSIONS.txt
#
# Source maps are not copied and the `sourceMappingURL` comments are stripped,
# so ManifestStaticFilesStorage (collectstatic) does not look for missing .map
# files. Idempotent: running it again rewrites the same files.
#
# To upgrade, change the pins below, run the script and commit static/vendor.
set -euo pipefail

TABLER_VERSION="1.6.1"   # @tabler/core, 1.x
ECHARTS_VERSION="5.6.0"  # echarts, 5.x
HTMX_VERSION="2.0.11"    # htmx.org, 2.x

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch SPEC DIRNAME -> unpacks the tarball of SPEC into $WORK/DIRNAME/package
fetch() {
    local spec="$1" name="$2" tgz
    mkdir -p "$WORK/$name"
    tgz="$(cd "$WORK/$name" && npm pack "$spec" --silent --pack-destination . | tail -n 1)"
    tar -xzf "$WORK/$name/$tgz" -C "$WORK/$name"
}

# copy_min SRC DEST: copy a minified file without its sourceMappingURL comment.
copy_min() {
    sed -e '/^\/[*\/]# sourceMappingURL=.*$/d' \
        -e 's#/[*\/]\# sourceMappingURL=[^ ]*\( \*/\)\?$##' "$1" >"$2"
}

fetch "@tabler/core@$TABLER_VERSION" tabler
fetch "echarts@$ECHARTS_VERSION" echarts
fetch "htmx.org@$HTMX_VERSION" htmx

rm -rf "$DEST/tabler" "$DEST/echarts" "$DEST/htmx"
mkdir -p "$DEST/tabler" "$DEST/echarts" "$DEST/htmx"

# --- Tabler (core only: no icons, no dist/libs) ---------------------------
T="$WORK/tabler/package"
copy_min "$T/dist/css/tabler.min.css" "$DEST/tabler/tabler.min.css"
copy_min "$T/dist/js/tabler.min.js" "$DEST/tabler/tabler.min.js"
if [ -f "$T/LICENSE" ]; then
    cp "$T/LICENSE" "$DEST/tabler/LICENSE"
else
    # The npm tarball of @tabler/core ships no LICENSE file; package.json says
    # "license": "MIT" and the dist banner carries the copyright lines.
    {
        echo "MIT License"
        echo
        grep -m 2 -o 'Copyright 2018-[0-9]* .*' "$T/dist/css/tabler.min.css" | sed 's/^Copyright/Copyright (c)/'
        cat <<'EOF'

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

(Written by scripts/vendor_static.sh: the @tabler/core npm package declares
"license": "MIT" in package.json but ships no LICENSE file.)
EOF
    } >"$DEST/tabler/LICENSE"
fi

# --- ECharts (Apache-2.0; bundles d3 code under its own licence) ----------
E="$WORK/echarts/package"
copy_min "$E/dist/echarts.min.js" "$DEST/echarts/echarts.min.js"
cp "$E/LICENSE" "$DEST/echarts/LICENSE"
[ -f "$E/NOTICE" ] && cp "$E/NOTICE" "$DEST/echarts/NOTICE"
[ -f "$E/licenses/LICENSE-d3" ] && cp "$E/licenses/LICENSE-d3" "$DEST/echarts/LICENSE-d3"

# --- htmx (0BSD) -----------------------------------------------------------
H="$WORK/htmx/package"
copy_min "$H/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
cp "$H/LICENSE" "$DEST/htmx/LICENSE"

version_of() { node -p "require('$1/package.json').version"; }
license_of() { node -p "require('$1/package.json').license"; }
{
    echo "# Vendored front-end packages (npm registry), written by scripts/vendor_static.sh"
    echo "@tabler/core@$(version_of "$T") $(license_of "$T") tabler/"
    echo "echarts@$(version_of "$E") $(license_of "$E") echarts/"
    echo "htmx.org@$(version_of "$H") $(license_of "$H") htmx/"
} >"$DEST/VERSIONS.txt"

echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f | sort | xargs ls -l | awk '{printf "  %8d  %s\n", $5, $9}')
du -sh "$DEST" | awk '{print "Total: " $1}'
