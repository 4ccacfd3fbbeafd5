#!/bin/sh
# Regenerates the synthetic test images of this folder (see SOURCES.md).
# Needs: JDK 17, Maven (offline is fine), the DejaVu fonts (fonts-dejavu-core) and cwebp (Debian package webp).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
mvn -o -q -B -pl restoration-core -am compile
cp=$(mvn -o -q -B -pl restoration-core dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
java -cp "restoration-core/target/classes:$cp" "$here/GenerateTestImages.java" "$here"
# WebP: a lossless copy of one reference (decodes to the same pixels) and a lossy one
cwebp -quiet -lossless -exact "$here/landscape_ref.png" -o "$here/landscape_ref_lossless.webp"
cwebp -quiet -q 85 "$here/text_x4.png" -o "$here/text_x4_lossy.webp"
cwebp -quiet -lossless -exact -metadata icc "$here/photo-exif_upright.png" -o "$here/photo-adobe_lossless.webp"
ls -l "$here"
