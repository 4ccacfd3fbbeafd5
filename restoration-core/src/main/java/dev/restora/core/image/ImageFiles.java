package dev.restora.core.image;

import dev.restora.core.RestoraException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** File-to-file image processing with the codec's guarantees: clear errors and never a partial output file. */
public final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * Reads {@code input}, applies {@code process} and writes the result to {@code output} (format by its
     * extension) through a temporary file moved into place. When reading, processing (including cancellation) or
     * writing fails, no output file is created and an existing one is left as it was; the exception propagates
     * ({@link RestoraException} for file problems).
     */
    public static ImageBuffer process(Path input, Path output, UnaryOperator<ImageBuffer> process,
                                      ImageCodec.WriteOptions options) {
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new RestoraException(output + ": the output would overwrite the input; choose another name");
        }
        ImageBuffer in = ImageCodec.read(input);
        ImageBuffer out = process.apply(in);
        if (out == null) {
            throw new IllegalStateException("processing " + input + " returned no image");
        }
        ImageCodec.write(out, output, options);
        return out;
    }

    /** {@link #process(Path, Path, UnaryOperator, ImageCodec.WriteOptions)} with default write options. */
    public static ImageBuffer process(Path input, Path output, UnaryOperator<ImageBuffer> process) {
        return process(input, output, process, ImageCodec.WriteOptions.DEFAULT);
    }

    /** Whether {@code dir} holds a temporary file a write left behind (names start with "." and end with ".part"). */
    public static boolean hasLeftovers(Path dir) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(".part");
            });
        } catch (java.io.IOException e) {
            throw new RestoraException(dir + ": cannot be listed (" + e.getMessage() + ")", e);
        }
    }
}
