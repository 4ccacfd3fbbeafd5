package dev.restora.core.batch;

import dev.restora.core.RestoraException;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.restore.MediaFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns a plan's inputs into items: files as given, folders walked (recursively when asked) in sorted order. With
 * {@link BatchPlan.Layout#MIRROR} the folders are mirrored under the output folder and two inputs that would write
 * the same output get {@code _2}, {@code _3} ...; with {@link BatchPlan.Layout#FLAT} every output goes directly into
 * the output folder (beside its input when the plan has none) and a clash gets {@code -2}, {@code -3} ....
 *
 * <p>{@link #mediaFiles} is the project's one folder walk (restore, batch and the studio's open all use it): hidden
 * files, the batch's own temporary files and anything inside an excluded folder (the output) are left out, so
 * re-running into a folder below an input never processes its own outputs; a file is picked up by its extension
 * ({@link MediaFiles#kindByExtension}).
 */
public final class BatchExpansion {
    /** Files a folder walk picks up for an image pipeline. */
    public static final Predicate<Path> IMAGES = kind(Modality.IMAGE);
    /** Files a folder walk picks up for a speech pipeline. */
    public static final Predicate<Path> AUDIO = kind(Modality.SPEECH);
    /** Images and audio. */
    public static final Predicate<Path> MEDIA = MediaFiles::hasMediaExtension;

    private BatchExpansion() {
    }

    private static Predicate<Path> kind(Modality kind) {
        return p -> {
            String n = p.getFileName().toString();
            return MediaFiles.kindByExtension(BatchNaming.extension(n)) == kind;
        };
    }

    /** {@link #expand(BatchPlan, Function, Predicate)} with one naming for every item. */
    public static List<BatchItem> expand(BatchPlan plan, BatchNaming naming, Predicate<Path> folderFilter) {
        return expand(plan, input -> naming, folderFilter);
    }

    /**
     * The items of a plan, each named by {@code namingFor(input)} (a plan routing kinds to different pipelines
     * names each file after its own). A missing input is a {@link RestoraException} naming it (with
     * {@link BatchPlan.Layout#FLAT}: an item, which then fails); an explicitly named file is taken whatever its
     * extension (a file the pipeline cannot read fails as an item, the batch goes on).
     */
    public static List<BatchItem> expand(BatchPlan plan, Function<Path, BatchNaming> namingFor,
                                         Predicate<Path> folderFilter) {
        plan.validate();
        boolean flat = plan.layout() == BatchPlan.Layout.FLAT;
        Path out = plan.output() == null ? null : Path.of(plan.output()).toAbsolutePath().normalize();
        List<BatchItem> items = new ArrayList<>();
        Set<Path> seenInputs = new HashSet<>();
        Set<Path> usedOutputs = new HashSet<>();
        for (String in : plan.inputs()) {
            Path input = Path.of(in).toAbsolutePath().normalize();
            if (Files.isDirectory(input)) {
                for (Path f : mediaFiles(input, plan.recursive(), out, folderFilter)) {
                    Path rel = flat ? f.getFileName() : input.relativize(f);
                    add(items, seenInputs, usedOutputs, plan, namingFor.apply(f), f, rel, out);
                }
            } else if (Files.isRegularFile(input) || flat) {
                add(items, seenInputs, usedOutputs, plan, namingFor.apply(input), input, input.getFileName(), out);
            } else {
                throw new RestoraException(input + ": no such file or folder");
            }
        }
        return items;
    }

    /**
     * The files under {@code folder} that {@code filter} accepts, in sorted order of their path below it: regular
     * files only, no hidden file or folder, no batch temporary file, nothing inside {@code exclude} (may be null).
     *
     * @throws RestoraException naming the folder when it cannot be listed
     */
    public static List<Path> mediaFiles(Path folder, boolean recursive, Path exclude, Predicate<Path> filter) {
        Path root = folder.toAbsolutePath().normalize();
        try (Stream<Path> s = recursive ? Files.walk(root) : Files.list(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> exclude == null || !p.startsWith(exclude))
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
        boolean flat = plan.layout() == BatchPlan.Layout.FLAT;
        String name = naming.apply(plan.naming(), input.getFileName().toString(), plan.format());
        Path folder = out == null ? input.getParent() : out;
        Path parent = flat ? null : relative.getParent();
        Path target = (parent == null ? folder : folder.resolve(parent)).resolve(name).normalize();
        if (out != null && !target.startsWith(out)) {
            throw new RestoraException(input + ": its output " + target + " would fall outside " + out);
        }
        String separator = flat ? "-" : "_";
        Path unique = target;
        for (int n = 2; usedOutputs.contains(unique); n++) {
            unique = target.resolveSibling(BatchNaming.baseName(name) + separator + n + "."
                    + BatchNaming.extension(name));
        }
        usedOutputs.add(unique);
        items.add(new BatchItem(items.size(), input, relative, unique));
    }
}
