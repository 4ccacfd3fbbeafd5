package dev.restora.core.models;

/**
 * One file of a multi-file model (a TensorFlow.js {@code model.json} and its weight shards, say): installed into
 * the entry's folder under {@code name}.
 *
 * @param name      the file's name inside the model's folder (a plain name, no folders)
 * @param url       where it is published
 * @param sizeBytes its exact size
 * @param sha256    its pinned SHA-256, lower-case hex
 */
public record ModelFile(String name, String url, long sizeBytes, String sha256) {
    public ModelFile {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("unsafe model file name: " + name);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(name + ": a multi-file model pins every file's SHA-256, got " + sha256);
        }
    }
}
