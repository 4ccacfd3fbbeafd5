#!/usr/bin/env python3
"""Makes the bad image inputs of test-assets/bad/ (see SOURCES.md). Needs python3, and for three files the Debian
tools cjpeg/jpegtran (libjpeg-turbo-progs) and cwebp (webp). Every source picture is synthesised here."""
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_rgb(w, h):
    rows = b"".join(b"\x00" + bytes((x * 4 % 256, y * 4 % 256, (x + y) * 2 % 256)[c]
                                    for x in range(w) for c in range(3)) for y in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def ppm(w, h):
    pix = bytes(v for y in range(h) for x in range(w)
                for v in (x * 255 // w, y * 255 // h, ((x // 8 + y // 8) % 2) * 200 + 20))
    return b"P6\n%d %d\n255\n" % (w, h) + pix


def main():
    good_png = png_rgb(64, 64)
    # 1. a PNG cut in the middle of its image data
    idat = good_png.index(b"IDAT")
    out("truncated.png", good_png[: idat + 4 + 200])
    # 2. zero-length file named .png
    out("empty.png", b"")
    # 3. a text file named .png
    out("text-named.png", b"This is not a picture.\nIt is a text file with a .png name.\n")
    # 4. a structurally valid PNG declaring 100000 x 100000 pixels (10 gigapixels), with one tiny IDAT
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    out("huge-dimensions.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 3000)) + chunk(b"IEND", b""))
    # 5. a BMP (24-bit, 4x4) named .png
    w = h = 4
    row = b"".join(bytes((0, 0, 255)) for _ in range(w))
    pixels = row * h
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    dib = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    out("bmp-disguised.png", header + dib + pixels)
    # 6. a PNG whose zlib image data is garbage (structure intact)
    bad = bytearray(good_png)
    start = idat + 4 + 2  # keep the zlib header
    for i in range(start, start + 100):
        bad[i] ^= 0x5A
    # fix the CRC so only the compressed data is wrong
    length = struct.unpack(">I", bad[idat - 4: idat])[0]
    body = bytes(bad[idat: idat + 4 + length])
    bad[idat + 4 + length: idat + 8 + length] = struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    out("corrupt-data.png", bytes(bad))
    # 7. a corrupt TIFF: valid header, IFD offset pointing far past the end of the file
    out("corrupt.tif", b"II*\x00" + struct.pack("<I", 0x7FFFFF00) + b"\x00" * 32)
    # 8. a TIFF whose strip offset points past the end (the header and tags are fine)
    w, h = 16, 16
    entries = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 1_000_000), (277, 3, 1, 1), (278, 3, 1, h), (279, 4, 1, w * h)]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHI", t, k, n) + (struct.pack("<HH", v, 0) if k == 3 else struct.pack("<I", v))
        for t, k, n, v in entries) + struct.pack("<I", 0)
    out("strip-past-end.tif", b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x10" * 40)

    tools = all(shutil.which(t) for t in ("cjpeg", "jpegtran", "cwebp"))
    if not tools:
        print("cjpeg/jpegtran/cwebp missing: apt-get install libjpeg-turbo-progs webp; JPEG/WebP files not made")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src.ppm")
        with open(src, "wb") as f:
            f.write(ppm(96, 64))
        jpg = subprocess.run(["cjpeg", "-quality", "90", src], check=True, capture_output=True).stdout
        # 9. a JPEG cut in the middle of its entropy-coded scan
        sos = jpg.index(b"\xff\xda")
        out("truncated.jpg", jpg[: sos + (len(jpg) - sos) // 2])
        # 10. arithmetic-coded JPEG (SOF9): valid JPEG, an encoding the Java decoders do not implement
        tmpjpg = os.path.join(tmp, "a.jpg")
        with open(tmpjpg, "wb") as f:
            f.write(jpg)
        arith = subprocess.run(["jpegtran", "-arithmetic", tmpjpg], check=True, capture_output=True).stdout
        out("arithmetic.jpg", arith)
        # 11. 12-bit JPEG header: the frame header says 12-bit precision (SOF1), the data is 8-bit
        sof = jpg.index(b"\xff\xc0")
        b12 = bytearray(jpg)
        b12[sof + 1] = 0xC1
        b12[sof + 4] = 12
        out("precision-12bit.jpg", bytes(b12))
        # 12. a WebP cut short
        pngsrc = os.path.join(tmp, "src.png")
        with open(pngsrc, "wb") as f:
            f.write(png_rgb(64, 64))
        webp = os.path.join(tmp, "a.webp")
        subprocess.run(["cwebp", "-quiet", "-q", "80", pngsrc, "-o", webp], check=True)
        with open(webp, "rb") as f:
            data = f.read()
        out("truncated.webp", data[: len(data) * 2 // 3])


if __name__ == "__main__":
    main()
