package dev.restora.core.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * A libtorch folder Restora can run on instead of the bundled CPU runtime, as recorded when it was installed or chosen.
 *
 * @param folder     the folder holding the libraries ({@code PYTORCH_LIBRARY_PATH})
 * @param version    the libtorch version ({@code PYTORCH_VERSION}), always {@link RuntimePlatform#PYTORCH_VERSION}
 * @param flavor     {@code cu128}, {@code cpu}, ... ({@code PYTORCH_FLAVOR}, picks DJL's JNI library)
 * @param classifier the platform it was made for, e.g. {@code linux-x86_64}
 * @param source     {@code installed} (fetched by Restora, under the data folder) or {@code user} (restora gpu use)
 * @param origin     the mirror it was fetched from, or the folder the user named
 * @param files      every library file: name to size and SHA-256, recorded at install and re-checked by verify
 */
public record NativeRuntime(Path folder, String version, String flavor, String classifier, String source, String origin,
                            Map<String, FileRecord> files) {

    /** Size and SHA-256 (lower-case hex) of one file. */
    public record FileRecord(long size, String sha256) {
    }

    public boolean isInstalled() {
        return "installed".equals(source);
    }

    /** One line for listings: folder, version and flavor. */
    public String describe() {
        return "libtorch " + version + " " + flavor + " (" + classifier + ") in " + folder;
    }
}
