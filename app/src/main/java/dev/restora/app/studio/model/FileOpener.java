package dev.restora.app.studio.model;

import dev.restora.core.RestoraException;
import dev.restora.core.batch.BatchExpansion;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.restore.MediaFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the user dropped or chose (files and folders, images and recordings mixed) into decoded items and a list
 * of problems. Folders are walked recursively and contribute the files with a known media extension; a file given
 * explicitly is always tried. Nothing here throws for bad input: every failure becomes an {@link OpenProblem}.
 */
public final class FileOpener {
    /** At most this many files are opened at once (each is decoded into memory); folders are for batches. */
    public static final int MAX_FILES = 100;

    private FileOpener() {
    }

    /** The outcome of one open. */
    public record Result(List<OpenedItem> items, List<OpenProblem> problems) {
    }

    /** The files to try: explicit files as given, folders expanded (hidden entries skipped), in a stable order. */
    public static List<Path> expand(List<Path> chosen, List<OpenProblem> problems) {
        List<Path> out = new ArrayList<>();
        for (Path p : chosen) {
            if (Files.isDirectory(p)) {
                try {
                    out.addAll(BatchExpansion.mediaFiles(p, true, null, BatchExpansion.MEDIA)); // the core's one walk
                } catch (RestoraException e) {
                    problems.add(new OpenProblem(p, e.getMessage()));
                }
            } else {
                out.add(p);
            }
        }
        if (out.size() > MAX_FILES) {
            problems.add(new OpenProblem(null, "only the first " + MAX_FILES + " of " + out.size()
                    + " files were opened; use File > Batch for whole folders"));
            return new ArrayList<>(out.subList(0, MAX_FILES));
        }
        return out;
    }

    /** Reads every file; decoding failures become problems naming the file and the reason. */
    public static Result open(List<Path> chosen) {
        List<OpenProblem> problems = new ArrayList<>();
        List<OpenedItem> items = new ArrayList<>();
        for (Path f : expand(chosen, problems)) {
            try {
                items.add(read(f));
            } catch (RestoraException e) {
                problems.add(new OpenProblem(f, e.getMessage()));
            } catch (RuntimeException | OutOfMemoryError e) {
                problems.add(new OpenProblem(f, f + ": cannot be opened (" + e + ")"));
            }
        }
        return new Result(items, problems);
    }

    /** Reads one file. */
    public static OpenedItem read(Path f) {
        MediaFiles.Loaded loaded = MediaFiles.read(f);
        return new OpenedItem(f.toAbsolutePath(), f.getFileName().toString(), loaded.media(), loaded.format());
    }

    /** Whether the item suits the pipelines of {@code kind}. */
    public static boolean is(OpenedItem item, Modality kind) {
        return item.kind() == kind;
    }
}
