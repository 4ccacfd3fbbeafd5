package dev.restora.core.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes torch.save-like zip archives (stored entries under {@code archive/}) with arbitrary content. */
final class TorchZipWriter {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final Map<String, Boolean> deflated = new LinkedHashMap<>();

    static TorchZipWriter of(byte[] pickle) {
        TorchZipWriter w = new TorchZipWriter();
        w.entry("archive/data.pkl", pickle);
        w.entry("archive/version", "3\n".getBytes());
        return w;
    }

    /** {@code of(pickle)} plus storage '0' with the floats 1, 2, 3, 4 (what {@link PickleWriter#dictWithTensor} needs). */
    static TorchZipWriter withTensor(byte[] pickle) {
        return of(pickle).entry("archive/data/0", floats(1, 2, 3, 4));
    }

    TorchZipWriter entry(String name, byte[] data) {
        entries.put(name, data);
        return this;
    }

    TorchZipWriter deflatedEntry(String name, byte[] data) {
        deflated.put(name, true);
        return entry(name, data);
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    Path write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                if (!deflated.containsKey(e.getKey())) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCompressedSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /**
     * Rewrites the central-directory sizes of {@code entryName} (a lying archive): compressed and/or uncompressed
     * size, -1 to keep.
     */
    static void patchCentralSizes(Path file, String entryName, long compressed, long uncompressed) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < data.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                int nameLen = b.getShort(i + 28) & 0xffff;
                String name = new String(data, i + 46, nameLen);
                if (name.equals(entryName)) {
                    if (compressed >= 0) {
                        b.putInt(i + 20, (int) compressed);
                    }
                    if (uncompressed >= 0) {
                        b.putInt(i + 24, (int) uncompressed);
                    }
                    Files.write(file, data);
                    return;
                }
            }
        }
        throw new IllegalArgumentException("no central directory entry " + entryName);
    }
}
