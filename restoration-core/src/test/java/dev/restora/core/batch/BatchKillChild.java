package dev.restora.core.batch;

import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link BatchKillResumeTest}: runs the batch of a plan file with the slow processor, like
 * {@code restora batch --plan FILE} would. Exit code 0 when every item is done.
 */
public final class BatchKillChild {
    private BatchKillChild() {
    }

    public static void main(String[] args) {
        BatchPlan plan = BatchPlan.read(Path.of(args[0]));
        long pause = Long.parseLong(args[1]);
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("slow", "invert", 2), BatchExpansion.IMAGES);
        BatchReport report = new BatchRunner(plan, items,
                (item, out, token) -> TestImages.slowInvertUpscale(item.input(), out, 6, pause))
                .listener(new BatchListener() {
                    @Override
                    public void itemFinished(ItemResult r, int total) {
                        System.out.println("item " + r.item().index() + " " + r.state());
                    }
                }).run();
        System.out.println(report.summary());
        System.exit(report.count(ItemState.DONE) == items.size() ? 0 : 1);
    }
}
