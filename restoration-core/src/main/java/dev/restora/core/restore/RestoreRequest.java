package dev.restora.core.restore;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One file to restore.
 *
 * @param input      the image or WAV to restore
 * @param pipelineId the pipeline to run
 * @param modelId    the pipeline's model, or null for its default
 * @param parameters parameter overrides by id: text (parsed like {@code --param k=v}) or typed values; the
 *                   rest keep their defaults
 * @param output     the file to write (its folder is created); see {@link #defaultOutput}
 * @param device     where to run
 * @param seed       the noise seed; -1 picks one at random and reports it in the {@link RestoreResult}
 */
public record RestoreRequest(Path input, String pipelineId, String modelId, Map<String, ?> parameters, Path output,
                             Device device, long seed) {
    public static final long RANDOM_SEED = -1L;

    public RestoreRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(pipelineId, "pipelineId");
        Objects.requireNonNull(output, "output");
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        device = device == null ? Device.cpu() : device;
    }

    /**
     * The usual output file for {@code input}: {@code <outDir>/<name>_<pipelineId>.<ext>}, with {@code outDir} the
     * input's folder when null and the extension of the input where it can be written back (PNG, JPEG, TIFF, WAV,
     * FLAC); other images become PNG and other audio WAV.
     */
    public static Path defaultOutput(Path input, Path outDir, String pipelineId) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path dir = outDir != null ? outDir : input.toAbsolutePath().getParent();
        return dir.resolve(stem + "_" + pipelineId + "." + MediaFiles.outputExtension(name));
    }
}
