package dev.restora.app.studio.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.model.Prop;
import dev.restora.app.studio.model.StepHistory;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.StepEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The step strip on a real (headless) stage: over the history's memory budget it keeps thumbnails only, so the
 * budget bounds what a run's previews hold.
 */
@ExtendWith(ApplicationExtension.class)
class StepStripTest {
    private static final int SIDE = 1024;
    private static final long BUDGET = 8L << 20; // two full 1024² frames

    private final StepHistory history = new StepHistory(BUDGET);
    private final Prop<Integer> size = new Prop<>(0);
    private final List<Integer> shown = new CopyOnWriteArrayList<>();
    private StepStrip strip;

    @Start
    void start(Stage stage) {
        strip = new StepStrip(size, () -> history, shown::add, () -> true);
        stage.setScene(new Scene(strip, 800, 160));
        stage.show();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    @Test
    void holdsThumbnailsOnlySoTheHistoryBudgetBoundsThePreviews() throws Exception {
        List<int[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int[] px = new int[SIDE * SIDE];
            java.util.Arrays.fill(px, 0xFF000000 | i);
            frames.add(px);
            // recorded on a worker, announced on the UI thread, as the workspace does
            history.record(new StepEvent(i, 10, 0, 1, "", Duration.ofMillis(i),
                    new PreviewFrame.Image("x0", SIDE, SIDE, px), null));
            int n = history.size();
            fx(() -> {
                size.set(n);
                return null;
            });
        }
        assertEquals(10, fx(() -> strip.getItems().size()), "one thumbnail per step");
        long full = history.snapshot().stream().filter(e -> e.frame() != null).count();
        assertTrue(full <= 2, "full frames within the budget: " + full);
        assertTrue(history.fullBytes() <= BUDGET, "history bytes " + history.fullBytes());
        assertNull(history.get(5).frame(), "frames past the budget were dropped");

        // the strip's items carry thumbnails only: none is (or shares) a full frame
        long stripBytes = 0;
        for (StepHistory.Thumb t : fx(() -> List.copyOf(strip.getItems()))) {
            assertTrue(t.thumb().width() <= StepHistory.THUMB_SIDE && t.thumb().height() <= StepHistory.THUMB_SIDE);
            for (int[] f : frames) {
                assertTrue(t.thumb().pixels() != f, "strip item " + t.index() + " holds a full frame");
            }
            stripBytes += 4L * t.thumb().pixels().length;
        }
        assertTrue(stripBytes < 4L * SIDE * SIDE, "thumbnails of ten steps: " + stripBytes + " bytes");

        // choosing a step asks the history for it by position
        fx(() -> {
            strip.getSelectionModel().select(3);
            return null;
        });
        assertEquals(List.of(3), shown);
        assertNotNull(history.get(9).frame());

        // a new run (size back to 0) empties the strip; once disposed, the strip no longer follows
        fx(() -> {
            size.set(0);
            return null;
        });
        assertEquals(0, fx(() -> strip.getItems().size()));
        fx(() -> {
            strip.dispose();
            size.set(5);
            return null;
        });
        assertEquals(0, fx(() -> strip.getItems().size()), "a disposed strip ignores the history");
    }
}
