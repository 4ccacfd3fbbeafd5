package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.StudioFixtures;
import dev.restora.app.studio.fixtures.SlowStepsProvider;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.pipeline.Media;
import dev.restora.core.restore.MediaFiles;
import dev.restora.core.restore.RestoreRequest;
import dev.restora.core.restore.RestoreTask;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace runs the core restore path ({@link RestoreTask} on the job's context): for the same seed its result
 * is what {@code restora restore} writes, the input's alpha included, with the previews still arriving.
 */
class WorkspaceRestorePathTest {
    @TempDir
    Path dir;
    private StudioContext ctx;

    @AfterEach
    void tearDown() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void theWorkspaceResultIsTheCoreRestoreOfTheSameSeed() throws Exception {
        Path png = dir.resolve("cutout.png");
        BufferedImage src = new BufferedImage(10, 8, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 10; x++) {
                src.setRGB(x, y, ((25 * x) << 24) | ((20 * x) << 16) | ((30 * y) << 8) | 90);
            }
        }
        ImageIO.write(src, "png", png.toFile());
        ManualUi ui = new ManualUi();
        ctx = StudioFixtures.context(dir.resolve("home"), ui);
        StudioModel studio = new StudioModel(ctx);
        studio.open(java.util.List.of(png));
        ui.runUntil(() -> studio.selected().get() != null);
        WorkspaceModel w = studio.selected().get();
        Map<String, Object> params = Map.of("steps", 6, "delay_ms", 0, "seed", 4321L);
        w.form().get().apply(params);
        w.run();
        ui.runUntil(() -> !w.isBusy());
        assertEquals(WorkspaceModel.RunState.DONE, w.state().get(), w.status().get());
        assertTrue(w.historySize().get() > 0, "previews arrived");
        ImageBuffer got = ((Media.Image) w.result().get()).image();
        assertTrue(got.hasAlpha(), "the input's alpha is on the result");

        Path out = dir.resolve("cli.png");
        new RestoreTask(new RestoreRequest(png, SlowStepsProvider.ID, null, params, out, null, 4321L),
                ctx.registry(), ctx.resolver()).run(StepListener.NONE, new CancellationToken());
        ImageBuffer want = ((Media.Image) MediaFiles.read(out).media()).image();
        assertEquals(want.width(), got.width());
        assertEquals(want.height(), got.height());
        assertClose(want.rgb(), got.rgb(), "rgb");
        assertClose(want.alpha(), got.alpha(), "alpha");
        assertTrue(Files.size(out) > 0);
    }

    /** Equal up to the 8-bit PNG rounding of the file. */
    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 0.51 / 255 + 1e-6, what + " at " + i);
        }
    }
}
