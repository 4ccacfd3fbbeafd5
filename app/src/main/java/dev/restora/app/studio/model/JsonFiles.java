package dev.restora.app.studio.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.restora.core.RestoraException;
import dev.restora.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON files of the studio (settings, queue), written to a temporary file and moved into place atomically. */
final class JsonFiles {
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private JsonFiles() {
    }

    static void write(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, GSON.toJson(value));
        } catch (IOException e) {
            throw new RestoraException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** The parsed file, or null when it is absent; a broken file is a {@link RestoraException}. */
    static <T> T read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), type);
        } catch (IOException | RuntimeException e) {
            throw new RestoraException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
