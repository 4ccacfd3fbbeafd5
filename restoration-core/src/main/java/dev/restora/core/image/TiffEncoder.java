package dev.restora.core.image;

import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes a baseline TIFF (chunky, one Deflate-compressed strip per 64 rows, unassociated alpha as an extra
 * sample) with the ICC profile (tag 34675) and the EXIF tags (IFD0 fields plus the EXIF and GPS sub-IFDs).
 */
final class TiffEncoder {
    private static final int ROWS_PER_STRIP = 64;

    private TiffEncoder() {
    }

    static void write(OutputStream os, int w, int h, int channels, int depth, SampleRows rows, byte[] icc, byte[] exif)
            throws IOException {
        write(os, w, h, channels, depth, rows, icc, exif, false);
    }

    static void write(OutputStream os, int w, int h, int channels, int depth, int[] samples, byte[] icc, byte[] exif,
                      boolean keepOrientation) throws IOException {
        write(os, w, h, channels, depth, SampleRows.of(samples, w, channels), icc, exif, keepOrientation);
    }

    /** @param keepOrientation write the EXIF orientation tag too (tests make rotated files with it) */
    static void write(OutputStream os, int w, int h, int channels, int depth, SampleRows rows, byte[] icc, byte[] exif,
                      boolean keepOrientation) throws IOException {
        int bytesPerSample = depth / 8;
        int rowBytes = w * channels * bytesPerSample;
        int strips = (h + ROWS_PER_STRIP - 1) / ROWS_PER_STRIP;
        List<byte[]> data = new ArrayList<>(strips);
        for (int s = 0; s < strips; s++) {
            int y0 = s * ROWS_PER_STRIP;
            int y1 = Math.min(h, y0 + ROWS_PER_STRIP);
            byte[] raw = new byte[(y1 - y0) * rowBytes];
            int o = 0;
            int[] samples = new int[w * channels];
            for (int y = y0; y < y1; y++) {
                rows.row(y, samples);
                for (int v : samples) {
                    if (depth == 16) {
                        raw[o++] = (byte) (v >>> 8);
                    }
                    raw[o++] = (byte) v;
                }
            }
            ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 2 + 64);
            Deflater deflater = new Deflater(6);
            try (DeflaterOutputStream dz = new DeflaterOutputStream(z, deflater)) {
                dz.write(raw);
            } finally {
                deflater.end();
            }
            data.add(z.toByteArray());
        }
        boolean alpha = channels == 2 || channels == 4;
        int colour = alpha ? channels - 1 : channels;
        short[] bits = new short[channels];
        java.util.Arrays.fill(bits, (short) depth);
        short[] formats = new short[channels];
        java.util.Arrays.fill(formats, (short) 1);
        long[] offsets = new long[strips];
        long[] counts = new long[strips];
        for (int s = 0; s < strips; s++) {
            counts[s] = data.get(s).length;
        }
        List<Entry> entries = new ArrayList<>();
        entries.add(new TIFFEntry(TIFF.TAG_IMAGE_WIDTH, TIFF.TYPE_LONG, w));
        entries.add(new TIFFEntry(TIFF.TAG_IMAGE_HEIGHT, TIFF.TYPE_LONG, h));
        entries.add(new TIFFEntry(TIFF.TAG_BITS_PER_SAMPLE, TIFF.TYPE_SHORT, bits));
        entries.add(new TIFFEntry(TIFF.TAG_COMPRESSION, TIFF.TYPE_SHORT, (short) 8));
        entries.add(new TIFFEntry(TIFF.TAG_PHOTOMETRIC_INTERPRETATION, TIFF.TYPE_SHORT, (short) (colour == 1 ? 1 : 2)));
        entries.add(new TIFFEntry(TIFF.TAG_SAMPLES_PER_PIXEL, TIFF.TYPE_SHORT, (short) channels));
        entries.add(new TIFFEntry(TIFF.TAG_ROWS_PER_STRIP, TIFF.TYPE_LONG, ROWS_PER_STRIP));
        entries.add(new TIFFEntry(TIFF.TAG_PLANAR_CONFIGURATION, TIFF.TYPE_SHORT, (short) 1));
        entries.add(new TIFFEntry(TIFF.TAG_SAMPLE_FORMAT, TIFF.TYPE_SHORT, formats));
        if (alpha) {
            entries.add(new TIFFEntry(TIFF.TAG_EXTRA_SAMPLES, TIFF.TYPE_SHORT, (short) 2));
        }
        if (icc != null) {
            entries.add(new TIFFEntry(TIFF.TAG_ICC_PROFILE, TIFF.TYPE_UNDEFINED, icc));
        }
        entries.addAll(TiffTags.carriedEntries(exif, keepOrientation));
        // the strip offsets depend on the IFD size, which does not depend on their values: measure, then write
        entries.add(new TIFFEntry(TIFF.TAG_STRIP_OFFSETS, TIFF.TYPE_LONG, offsets));
        entries.add(new TIFFEntry(TIFF.TAG_STRIP_BYTE_COUNTS, TIFF.TYPE_LONG, counts));
        entries.sort(Comparator.comparingInt(e -> (Integer) e.getIdentifier()));
        byte[] header = ifdBytes(entries);
        long pos = header.length;
        for (int s = 0; s < strips; s++) {
            offsets[s] = pos;
            pos += counts[s];
        }
        entries.removeIf(e -> (Integer) e.getIdentifier() == TIFF.TAG_STRIP_OFFSETS);
        entries.add(new TIFFEntry(TIFF.TAG_STRIP_OFFSETS, TIFF.TYPE_LONG, offsets));
        entries.sort(Comparator.comparingInt(e -> (Integer) e.getIdentifier()));
        byte[] finalHeader = ifdBytes(entries);
        if (finalHeader.length != header.length) {
            throw new IOException("TIFF header size changed while placing strips");
        }
        os.write(finalHeader);
        for (byte[] d : data) {
            os.write(d);
        }
        os.flush();
    }

    private static byte[] ifdBytes(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            new TIFFWriter().write(entries, out);
        }
        byte[] b = bytes.toByteArray();
        // pad to an even offset for the strips
        if (b.length % 2 == 1) {
            b = java.util.Arrays.copyOf(b, b.length + 1);
        }
        return b;
    }
}
