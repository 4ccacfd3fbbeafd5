package dev.restora.core.models;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.restora.core.RestoraException;
import dev.restora.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The store's small JSON index ({@code index.json}): per entry id the SHA-256 recorded on first download (trust on
 * first use when the catalog has none), the size and modification time at the last successful verification (so
 * {@code require} does not hash gigabytes on every run) and the licence acceptance. Written to a temporary file and
 * moved into place, so a crash never leaves a half-written index.
 */
final class StoreIndex {
    static final String FILE_NAME = "index.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** One entry's record; fields are null when unknown. */
    static final class Record {
        String fileName;
        String sha256;
        Long size;
        Long verifiedSize;
        Long verifiedMtime;
        String source;
        String url;
        String storedAt;
        String licenceAcceptedAt;
        String licenceSha256;
    }

    private static final class Data {
        int version = 1;
        Map<String, Record> entries = new LinkedHashMap<>();
    }

    private final Path file;

    StoreIndex(Path storeDir) {
        this.file = storeDir.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    synchronized Record get(String id) {
        Record r = load().entries.get(id);
        return r == null ? new Record() : r;
    }

    synchronized void update(String id, Consumer<Record> change) {
        Data d = load();
        Record r = d.entries.computeIfAbsent(id, k -> new Record());
        change.accept(r);
        save(d);
    }

    private Data load() {
        if (!Files.isRegularFile(file)) {
            return new Data();
        }
        try {
            Data d = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Data.class);
            if (d == null) {
                return new Data();
            }
            if (d.entries == null) {
                d.entries = new LinkedHashMap<>();
            }
            return d;
        } catch (IOException | JsonParseException e) {
            throw new RestoraException(file + ": the model store index is unreadable (" + e.getMessage()
                    + "); fix or delete it (downloaded files stay; recorded hashes and licence acceptances are lost)", e);
        }
    }

    private void save(Data d) {
        try {
            AtomicFiles.writeString(file, GSON.toJson(d));
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write the model store index (" + e.getMessage() + ")", e);
        }
    }
}
