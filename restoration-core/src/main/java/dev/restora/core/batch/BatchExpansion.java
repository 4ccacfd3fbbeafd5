package dev.restora.core.batch;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns a plan's inputs into items: files as given, folders walked (recursively when asked) in sorted order,
 * mirrored under the output folder. Hidden files, the batch's own temporary files and anything inside the output
 * folder are left out, so re-running into a folder below an input never processes its own outputs. Two inputs that
 * would write the same output get {@code _2}, {@code _3} ... in a stable order.
 */
public final class BatchExpansion {
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif");
    public static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "flac");

    /** Files a folder walk picks up for an image pipeline. */
    public static final Predicate<Path> IMAGES = p -> IMAGE_EXTENSIONS.contains(BatchNaming.extension(p.getFileName().toString()));
    /** Files a folder walk picks up for a speech pipeline. */
    public static final Predicate<Path> AUDIO = p -> AUDIO_EXTENSIONS.contains(BatchNaming.extension(p.getFileName().toString()));
    /** Images and audio. */
    public static final Predicate<Path> MEDIA = IMAGES.or(AUDIO);

    private BatchExpansion() {
    }

    /**
     * The items of a plan. A missing input is a {@link RestoraException} naming it; an explicitly named file is
     * taken whatever its extension (a file the pipeline cannot read fails as an item, the batch goes on).
     */
    public static List<BatchItem> expand(BatchPlan plan, BatchNaming naming, Predicate<Path> folderFilter) {
        plan.validate();
        Path out = Path.of(plan.output()).toAbsolutePath().normalize();
        List<BatchItem> items = new ArrayList<>();
        Set<Path> seenInputs = new HashSet<>();
        Set<Path> usedOutputs = new HashSet<>();
        for (String in : plan.inputs()) {
            Path input = Path.of(in).toAbsolutePath().normalize();
            if (Files.isRegularFile(input)) {
                add(items, seenInputs, usedOutputs, plan, naming, input, input.getFileName(), out);
            } else if (Files.isDirectory(input)) {
                for (Path f : walk(input, plan.recursive(), out, folderFilter)) {
                    add(items, seenInputs, usedOutputs, plan, naming, f, input.relativize(f), out);
                }
            } else {
                throw new RestoraException(input + ": no such file or folder");
            }
        }
        return items;
    }

    private static List<Path> walk(Path root, boolean recursive, Path out, Predicate<Path> filter) {
        try (Stream<Path> s = recursive ? Files.walk(root) : Files.list(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(out))
                    .filter(p -> !isHiddenPath(root.relativize(p)))
                    .filter(filter)
                    .sorted(Comparator.comparing(p -> root.relativize(p).toString()))
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new RestoraException(root + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isHiddenPath(Path rel) {
        for (Path part : rel) {
            String n = part.toString();
            if (n.startsWith(".") || n.contains(BatchRunner.TEMP_MARK)) {
                return true;
            }
        }
        return false;
    }

    private static void add(List<BatchItem> items, Set<Path> seenInputs, Set<Path> usedOutputs, BatchPlan plan,
                            BatchNaming naming, Path input, Path relative, Path out) {
        if (!seenInputs.add(input)) {
            return; // named twice (a file and its folder): once is enough
        }
        String name = naming.apply(plan.naming(), input.getFileName().toString(), plan.format());
        Path parent = relative.getParent();
        Path target = (parent == null ? out : out.resolve(parent)).resolve(name).normalize();
        if (!target.startsWith(out)) {
            throw new RestoraException(input + ": its output " + target + " would fall outside " + out);
        }
        Path unique = target;
        for (int n = 2; usedOutputs.contains(unique); n++) {
            unique = target.resolveSibling(BatchNaming.baseName(name) + "_" + n + "."
                    + BatchNaming.extension(name));
        }
        usedOutputs.add(unique);
        items.add(new BatchItem(items.size(), input, relative, unique));
    }
}
