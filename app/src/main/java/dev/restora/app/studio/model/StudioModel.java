package dev.restora.app.studio.model;

import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main window's model: the opened items (one {@link WorkspaceModel} each), the selected one, the files that could
 * not be opened with their reasons, and the recent files. Opening decodes on the background executor.
 */
public final class StudioModel {
    private final StudioContext ctx;
    private final List<WorkspaceModel> workspaces = new ArrayList<>();
    private final Prop<List<WorkspaceModel>> items = new Prop<>(List.of());
    private final Prop<WorkspaceModel> selected = new Prop<>(null);
    private final Prop<List<OpenProblem>> problems = new Prop<>(List.of());
    private final Prop<List<String>> recent;
    private final Prop<Boolean> opening = new Prop<>(false);
    private int pasted;

    public StudioModel(StudioContext ctx) {
        this.ctx = ctx;
        this.recent = new Prop<>(List.copyOf(ctx.settings().get().recentFiles));
    }

    public StudioContext context() {
        return ctx;
    }

    public Prop<List<WorkspaceModel>> items() {
        return items;
    }

    public Prop<WorkspaceModel> selected() {
        return selected;
    }

    public Prop<List<OpenProblem>> problems() {
        return problems;
    }

    public Prop<List<String>> recent() {
        return recent;
    }

    public Prop<Boolean> opening() {
        return opening;
    }

    /** Opens files and folders (decoded in the background); the first new item is selected. */
    public void open(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        opening.set(true);
        ctx.background().execute(() -> {
            FileOpener.Result r = FileOpener.open(paths);
            ctx.ui().execute(() -> {
                opening.set(false);
                accept(r, paths);
            });
        });
    }

    private void accept(FileOpener.Result r, List<Path> chosen) {
        WorkspaceModel first = null;
        for (OpenedItem it : r.items()) {
            WorkspaceModel w = new WorkspaceModel(ctx, it);
            workspaces.add(w);
            if (first == null) {
                first = w;
            }
        }
        if (!r.problems().isEmpty()) {
            List<OpenProblem> all = new ArrayList<>(problems.get());
            all.addAll(r.problems());
            problems.set(List.copyOf(all));
        }
        for (Path p : chosen) {
            ctx.settings().get().addRecent(p.toAbsolutePath().toString());
        }
        ctx.settings().save();
        recent.set(List.copyOf(ctx.settings().get().recentFiles));
        items.set(List.copyOf(workspaces));
        if (first != null) {
            selected.set(first);
        }
    }

    /** Opens a pasted image. */
    public WorkspaceModel openImage(ImageBuffer image) {
        pasted++;
        OpenedItem it = new OpenedItem(null, "pasted image " + pasted, Media.of(image), null);
        WorkspaceModel w = new WorkspaceModel(ctx, it);
        workspaces.add(w);
        items.set(List.copyOf(workspaces));
        selected.set(w);
        return w;
    }

    public void select(WorkspaceModel w) {
        selected.set(w);
    }

    /** Closes an item (cancelling its run). */
    public void close(WorkspaceModel w) {
        w.cancel();
        int i = workspaces.indexOf(w);
        workspaces.remove(w);
        items.set(List.copyOf(workspaces));
        if (selected.get() == w) {
            selected.set(workspaces.isEmpty() ? null : workspaces.get(Math.max(0, i - 1)));
        }
    }

    public void clearProblems() {
        problems.set(List.of());
    }

    public void clearRecent() {
        ctx.settings().get().recentFiles.clear();
        ctx.settings().save();
        recent.set(List.of());
    }
}
