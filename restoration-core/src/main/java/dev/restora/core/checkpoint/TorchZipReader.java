package dev.restora.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code torch.save} zip archive (torch >= 1.6, written by torch 1.x or 2.x): {@code <prefix>/data.pkl}
 * (the pickled object, unpickled by {@link RestrictedUnpickler}), raw storages {@code <prefix>/data/<key>},
 * {@code <prefix>/version}, and from torch 2.1 {@code <prefix>/byteorder} and {@code <prefix>/.data/serialization_id}.
 * Every entry name, size and storage claim is checked before anything is allocated.
 */
final class TorchZipReader {
    /** data.pkl holds only the object structure (tensor data is elsewhere); real ones are well under 16 MB. */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    static final int MAX_ENTRIES = 2_000_000;
    /** DEFLATE cannot compress better than about 1032:1; a larger declared ratio is a zip bomb. */
    static final long MAX_DEFLATE_RATIO = 1100;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1,200}");

    private final Path file;
    private final String name;

    private TorchZipReader(Path file) {
        this.file = file;
        this.name = file.toString();
    }

    static ParsedCheckpoint parse(Path file) {
        return new TorchZipReader(file).parse();
    }

    private ParsedCheckpoint parse() {
        try (ZipFile zip = open()) {
            Map<String, ZipEntry> entries = entries(zip);
            String prefix = prefix(entries);
            ByteOrder order = byteOrder(zip, entries.get(prefix + "byteorder"));
            ZipEntry pkl = entries.get(prefix + "data.pkl");
            if (pkl.getSize() > MAX_PICKLE_BYTES) {
                throw error("data.pkl is " + pkl.getSize() + " bytes, more than the " + MAX_PICKLE_BYTES
                        + " a checkpoint's object structure can need");
            }
            byte[] pickle = readSmall(zip, pkl);
            RestrictedUnpickler unpickler = new RestrictedUnpickler(name,
                    (dtype, key, numel) -> storage(entries, prefix, dtype, key, numel));
            Object root = unpickler.unpickle(pickle);
            return new ParsedCheckpoint(CheckpointFormat.TORCH_ZIP, root, () -> new ZipStorages(order));
        } catch (IOException e) {
            throw new CheckpointException(name + ": cannot read the checkpoint archive (" + e.getMessage() + ")", e);
        }
    }

    private ZipFile open() throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw error("not a valid zip archive, the file is truncated or corrupt (" + e.getMessage() + ")");
        }
    }

    private Map<String, ZipEntry> entries(ZipFile zip) {
        Map<String, ZipEntry> out = new HashMap<>();
        long fileSize = fileSize();
        Enumeration<? extends ZipEntry> en = zip.entries();
        while (en.hasMoreElements()) {
            ZipEntry e = en.nextElement();
            String n = e.getName();
            if (n.startsWith("/") || n.contains("\\") || n.contains("\0") || n.equals("..") || n.startsWith("../")
                    || n.contains("/../") || n.endsWith("/..") || n.matches("^[A-Za-z]:.*")) {
                throw error("unsafe archive entry name '" + n + "'");
            }
            if (out.size() >= MAX_ENTRIES) {
                throw error("more than " + MAX_ENTRIES + " archive entries");
            }
            if (e.getSize() < 0 || e.getCompressedSize() < 0) {
                throw error("archive entry '" + n + "' has no declared size");
            }
            if (e.getCompressedSize() > fileSize) {
                throw error("archive entry '" + n + "' claims " + e.getCompressedSize()
                        + " bytes but the file holds " + fileSize + " (truncated or corrupt)");
            }
            if (e.getMethod() == ZipEntry.STORED && e.getSize() != e.getCompressedSize()) {
                throw error("archive entry '" + n + "' declares " + e.getSize() + " bytes but stores "
                        + e.getCompressedSize());
            }
            if (e.getMethod() != ZipEntry.STORED && e.getSize() > Math.max(e.getCompressedSize(), 1) * MAX_DEFLATE_RATIO) {
                throw error("archive entry '" + n + "' declares " + e.getSize() + " bytes from "
                        + e.getCompressedSize() + " compressed bytes (a zip bomb?)");
            }
            out.put(n, e);
        }
        return out;
    }

    /** The record prefix ({@code archive/}, or the file's stem): the folder holding data.pkl. */
    private String prefix(Map<String, ZipEntry> entries) {
        List<String> prefixes = new ArrayList<>();
        for (String n : entries.keySet()) {
            int slash = n.indexOf('/');
            if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) {
                prefixes.add(n.substring(0, slash + 1));
            }
        }
        for (String n : entries.keySet()) {
            int slash = n.indexOf('/');
            String rest = slash > 0 ? n.substring(slash + 1) : n;
            if (rest.equals("constants.pkl") || rest.startsWith("code/")) {
                throw error("is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; "
                        + "export the state_dict with torch.save(model.state_dict(), path)");
            }
        }
        if (prefixes.isEmpty()) {
            throw error("is a zip archive without data.pkl, not a PyTorch checkpoint");
        }
        if (prefixes.size() > 1) {
            throw error("has several data.pkl records " + prefixes);
        }
        return prefixes.get(0);
    }

    private ByteOrder byteOrder(ZipFile zip, ZipEntry entry) throws IOException {
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN; // before torch 2.1 always little-endian
        }
        if (entry.getSize() > 16) {
            throw error("byteorder entry of " + entry.getSize() + " bytes");
        }
        String s = new String(readSmall(zip, entry), StandardCharsets.US_ASCII).trim();
        if (s.equals("little")) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        if (s.equals("big")) {
            return ByteOrder.BIG_ENDIAN;
        }
        throw error("unknown byteorder '" + s + "'");
    }

    /** Checks a storage reference against its archive entry before any allocation. */
    private StorageRef storage(Map<String, ZipEntry> entries, String prefix, TensorDtype dtype, String key, long numel) {
        if (!STORAGE_KEY.matcher(key).matches() || key.contains("..")) {
            throw error("unsafe storage key '" + key + "'");
        }
        if (numel < 0 || numel > Long.MAX_VALUE / 8) {
            throw error("storage '" + key + "' declares " + numel + " elements");
        }
        String entryName = prefix + "data/" + key;
        ZipEntry e = entries.get(entryName);
        if (e == null) {
            throw error("storage '" + key + "' is missing from the archive (" + entryName + ")");
        }
        long bytes = numel * dtype.size();
        if (e.getSize() < bytes) {
            throw error("storage '" + key + "' claims " + numel + " " + dtype.torchName() + " elements (" + bytes
                    + " bytes) but its archive entry holds " + e.getSize() + " bytes");
        }
        return new StorageRef(key, dtype, numel, entryName, 0);
    }

    /** Reads a whole (size-checked) entry, failing if it is shorter or longer than declared. */
    private byte[] readSmall(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] data = in.readNBytes((int) e.getSize());
            if (data.length != e.getSize()) {
                throw error("archive entry '" + e.getName() + "' ends after " + data.length + " of "
                        + e.getSize() + " bytes (truncated or corrupt)");
            }
            if (in.read() != -1) {
                throw error("archive entry '" + e.getName() + "' holds more than its declared " + e.getSize() + " bytes");
            }
            return data;
        } catch (ZipException ze) {
            throw error("corrupt archive entry '" + e.getName() + "' (" + ze.getMessage() + ")");
        }
    }

    private long fileSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private CheckpointException error(String problem) {
        return new CheckpointException(name + ": " + problem);
    }

    /** Storages of the archive, reopened for each materialisation. */
    private final class ZipStorages implements StorageSource {
        private final ByteOrder order;
        private final ZipFile zip;

        ZipStorages(ByteOrder order) {
            this.order = order;
            try {
                this.zip = open();
            } catch (IOException e) {
                throw new CheckpointException(name + ": cannot read the checkpoint archive (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public java.nio.ByteBuffer read(StorageRef storage) {
            ZipEntry e = zip.getEntry(storage.location());
            if (e == null || e.getSize() < storage.bytes()) {
                throw error("storage '" + storage.key() + "' changed while reading (file replaced?)");
            }
            try (InputStream in = zip.getInputStream(e)) {
                return StorageDecoder.decode(in, storage, order, name);
            } catch (ZipException ze) {
                throw error("corrupt storage '" + storage.key() + "' (" + ze.getMessage() + ")");
            } catch (IOException ioe) {
                throw new CheckpointException(name + ": cannot read storage '" + storage.key() + "' ("
                        + ioe.getMessage() + ")", ioe);
            }
        }

        @Override
        public void close() {
            try {
                zip.close();
            } catch (IOException e) {
                // nothing was written; a failed close of a read-only file changes nothing
            }
        }
    }
}
