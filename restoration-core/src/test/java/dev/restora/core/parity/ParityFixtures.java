package dev.restora.core.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to the reference fixtures of one model family ({@code <restora.parity.dir>/<family>/manifest.json}).
 * Parity tests are data-driven from the manifest so that any fixture folder of the same format can be run.
 *
 * <p>Where the folder is absent the test is skipped with a message naming the folder, unless
 * {@code -Drestora.parity.required=true}, in which case it fails.
 */
public final class ParityFixtures {
    public static final String DIR_PROPERTY = "restora.parity.dir";
    public static final String REQUIRED_PROPERTY = "restora.parity.required";

    private final Path root;
    private final JsonObject manifest;

    private ParityFixtures(Path root, JsonObject manifest) {
        this.root = root;
        this.manifest = manifest;
    }

    /** The parity root folder from the system property (default {@code ../shared/parity}). */
    public static Path parityRoot() {
        return Paths.get(System.getProperty(DIR_PROPERTY, "../shared/parity")).toAbsolutePath().normalize();
    }

    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** Loads the family's manifest, or skips (fails when required) with a clear message. */
    public static ParityFixtures family(String family) {
        Path dir = parityRoot().resolve(family);
        Path manifestFile = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            String msg = "parity fixtures for '" + family + "' not found at " + manifestFile
                    + " (set -D" + DIR_PROPERTY + "=<folder>)";
            if (required()) {
                Assertions.fail(msg + "; -D" + REQUIRED_PROPERTY + "=true makes this a failure");
            }
            Assumptions.abort(msg);
        }
        try {
            return new ParityFixtures(dir, JsonParser.parseString(Files.readString(manifestFile)).getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return root;
    }

    public JsonObject manifest() {
        return manifest;
    }

    public Path file(String relative) {
        return root.resolve(relative);
    }

    /** Every case of the given kind ("building_block", "single_forward", "pipeline", ...), in manifest order. */
    public List<JsonObject> cases(String kind) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : manifest.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            if (kind == null || kind.equals(str(c, "kind"))) {
                out.add(c);
            }
        }
        return out;
    }

    /** The case with that name, or null. */
    public JsonObject caseNamed(String name) {
        for (JsonObject c : cases(null)) {
            if (name.equals(str(c, "name"))) {
                return c;
            }
        }
        return null;
    }

    /** The checkpoints[] entry for a file name, or null. */
    public JsonObject checkpoint(String fileName) {
        JsonArray cps = manifest.getAsJsonArray("checkpoints");
        if (cps != null) {
            for (JsonElement e : cps) {
                if (fileName.equals(str(e.getAsJsonObject(), "file"))) {
                    return e.getAsJsonObject();
                }
            }
        }
        return null;
    }

    /** Reads an array entry ({@code {file, shape, dtype}} or a bare relative path) as an NDArray. */
    public NDArray load(NDManager manager, JsonElement entry) {
        String rel = entry.isJsonObject() ? str(entry.getAsJsonObject(), "file") : entry.getAsString();
        return npy(manager, root.resolve(rel));
    }

    /** Reads a .npy file. */
    public static NDArray npy(NDManager manager, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return NDList.decode(manager, in).singletonOrThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
