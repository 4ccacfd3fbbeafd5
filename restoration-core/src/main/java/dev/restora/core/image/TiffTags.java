package dev.restora.core.image;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** TIFF tag plumbing on TwelveMonkeys' metadata reader and writer: EXIF in and out of TIFF files. */
final class TiffTags {
    /** IFD0 tags that belong to the EXIF of a photo and are carried between formats. */
    static final Set<Integer> CARRIED = Set.of(TIFF.TAG_IMAGE_DESCRIPTION, TIFF.TAG_MAKE, TIFF.TAG_MODEL,
            TIFF.TAG_SOFTWARE, TIFF.TAG_DATE_TIME, TIFF.TAG_ARTIST, TIFF.TAG_COPYRIGHT, TIFF.TAG_EXIF_IFD,
            TIFF.TAG_GPS_IFD, TIFF.TAG_ORIENTATION);

    private TiffTags() {
    }

    /** The first IFD of a TIFF structure (a file, or raw EXIF bytes). */
    static Directory firstIfd(ImageInputStream in) throws IOException {
        Directory d = new TIFFReader().read(in);
        if (d instanceof CompoundDirectory c && c.directoryCount() > 0) {
            return c.getDirectory(0);
        }
        return d;
    }

    static Directory parseExif(byte[] exif) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(exif))) {
            return firstIfd(in);
        }
    }

    /** The ICC profile, orientation and carried EXIF of a TIFF file's first image. */
    static final class FileTags {
        byte[] icc;
        byte[] exif;
        int orientation = 1;
    }

    static FileTags readFile(Path file) throws IOException {
        FileTags t = new FileTags();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Directory ifd = firstIfd(in);
            Entry icc = ifd.getEntryById(TIFF.TAG_ICC_PROFILE);
            if (icc != null && icc.getValue() instanceof byte[] b) {
                t.icc = b;
            }
            Entry o = ifd.getEntryById(TIFF.TAG_ORIENTATION);
            if (o != null && o.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
                t.orientation = n.intValue();
            }
            List<Entry> carried = new ArrayList<>();
            for (Entry e : ifd) {
                if (e.getIdentifier() instanceof Integer id && CARRIED.contains(id) && id != TIFF.TAG_ORIENTATION) {
                    carried.add(e);
                }
            }
            if (!carried.isEmpty()) {
                t.exif = toBytes(carried);
            }
        }
        return t;
    }

    /** Serialises entries as a standalone TIFF structure (raw EXIF). */
    static byte[] toBytes(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            new TIFFWriter().write(entries, out);
        }
        return bytes.toByteArray();
    }

    /** The EXIF entries to copy into a TIFF's IFD0 (orientation left out: pixels are already upright). */
    static List<Entry> carriedEntries(byte[] exif, boolean keepOrientation) {
        List<Entry> out = new ArrayList<>();
        if (exif == null) {
            return out;
        }
        try {
            for (Entry e : parseExif(exif)) {
                if (e.getIdentifier() instanceof Integer id && CARRIED.contains(id)
                        && (keepOrientation || id != TIFF.TAG_ORIENTATION)) {
                    out.add(e);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }
}
