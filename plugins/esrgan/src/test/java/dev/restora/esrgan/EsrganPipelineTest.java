package dev.restora.esrgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.CancelledException;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RunContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a trained network (slim x2, quick): tiled output agrees with the untiled one within a tight bound
 * everywhere, tile borders included; output size and alpha; one event per tile with previews of the whole picture
 * filling in; cancellation between tiles; tile intermediates freed with their tile.
 */
class EsrganPipelineTest {
    static NDManager weights;
    static EsrganPipeline slim;

    @BeforeAll
    static void load() {
        weights = NDManager.newBaseManager();
        slim = new EsrganPipeline(new EsrganProvider().descriptor(),
                EsrganModel.load(EsrganVariant.SLIM_X2, TestModels.files(EsrganVariant.SLIM_X2), weights));
    }

    @AfterAll
    static void free() {
        weights.close();
    }

    static ImageBuffer landscape() {
        return ImageCodec.read(Path.of("../../test-assets/images/landscape_x4.png"));
    }

    record Run(ImageBuffer out, List<StepEvent> events, int arraysLeft) {
    }

    static Run run(EsrganPipeline p, ImageBuffer in, int tile, int overlap, PreviewPolicy previews,
                   CancellationToken token, StepListener extra) {
        List<StepEvent> events = new ArrayList<>();
        try (NDManager scope = NDManager.newBaseManager()) {
            ParameterValues params = ParameterValues.of(p.descriptor().parameters(),
                    Map.of(EsrganProvider.TILE_SIZE, tile, EsrganProvider.TILE_OVERLAP, overlap));
            RunContext ctx = new RunContext(scope, Device.cpu(), params, new SeededNoise(0), e -> {
                events.add(e);
                extra.onStep(e);
            }, token, previews);
            ImageBuffer out = ((Media.Image) p.run(Media.of(in), ctx)).image();
            return new Run(out, events, scope.getManagedArrays().size());
        }
    }

    @Test
    void tiledOutputHasNoSeams() {
        ImageBuffer in = landscape();
        Run whole = run(slim, in, 2048, 16, PreviewPolicy.OFF, new CancellationToken(), StepListener.NONE);
        Run tiled = run(slim, in, 32, 12, PreviewPolicy.OFF, new CancellationToken(), StepListener.NONE);
        assertEquals(1, whole.events().size());
        assertEquals(9, tiled.events().size(), "64 px in tiles of at most 32 with 12 overlap: 3 x 3");
        float[] a = whole.out().rgb();
        float[] b = tiled.out().rgb();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        System.out.printf("tiled vs untiled: max difference %.3f / 255%n", max * 255);
        // the tiles see 12 input pixels of context across each border: the blend hides what is left
        assertTrue(max < 2.0 / 255, "tiled differs from untiled by up to " + max * 255 + " / 255");
    }

    @Test
    void outputIsTheInputTimesTheScaleWithAlphaAndDepthKept() {
        ImageBuffer sprite = ImageCodec.read(Path.of("../../test-assets/images/sprite-alpha_x4.png"));
        assertTrue(sprite.hasAlpha());
        ImageBuffer out = run(slim, sprite, 256, 16, PreviewPolicy.OFF, new CancellationToken(),
                StepListener.NONE).out();
        assertEquals(64, out.width());
        assertEquals(64, out.height());
        assertTrue(out.hasAlpha());
        assertEquals(64 * 64, out.alpha().length);
        assertEquals(sprite.bitDepth(), out.bitDepth());
        for (float v : out.rgb()) {
            assertTrue(v >= 0f && v <= 1f, "clipped to the range: " + v);
        }
        // 16-bit input: the depth and the metadata (EXIF, ICC profile) go to the writer unchanged
        ImageBuffer deep = ImageCodec.read(Path.of("../../test-assets/images/gradient16_x4.png"));
        assertEquals(16, deep.bitDepth());
        ImageBuffer deepOut = run(slim, deep, 256, 16, PreviewPolicy.OFF, new CancellationToken(),
                StepListener.NONE).out();
        assertEquals(16, deepOut.bitDepth());
        assertEquals(128, deepOut.width());
        org.junit.jupiter.api.Assertions.assertSame(deep.metadata(), deepOut.metadata());
    }

    @Test
    void previewsShowTheWholePictureFillingInOneEventPerTile() {
        Run r = run(slim, landscape(), 32, 8, PreviewPolicy.EVERY_STEP, new CancellationToken(), StepListener.NONE);
        assertEquals(9, r.events().size());
        PreviewFrame.Image first = (PreviewFrame.Image) r.events().get(0).preview();
        PreviewFrame.Image last = (PreviewFrame.Image) r.events().get(8).preview();
        assertNotNull(first);
        assertEquals(128, last.width(), "the preview is the whole output, not one tile");
        for (int i = 0; i < 9; i++) {
            assertEquals(i, r.events().get(i).step());
            assertEquals(9, r.events().get(i).steps());
            assertEquals("tile " + (i + 1) + "/9", r.events().get(i).stageLabel());
        }
        // the last tile's corner was still the dimmed input in the first preview, restored in the last one
        int corner = 127 * 128 + 127;
        assertTrue(brightness(last.argb()[corner]) > brightness(first.argb()[corner]));
        int[] expected = dev.restora.core.image.ImageOps.toArgb(r.out());
        assertEquals(expected[corner] & 0xffffff, last.argb()[corner] & 0xffffff);
    }

    private static int brightness(int argb) {
        return (argb >> 16 & 0xff) + (argb >> 8 & 0xff) + (argb & 0xff);
    }

    @Test
    void cancelStopsBetweenTiles() {
        CancellationToken token = new CancellationToken();
        List<Integer> seen = new ArrayList<>();
        assertThrows(CancelledException.class, () -> run(slim, landscape(), 32, 8, PreviewPolicy.OFF, token, e -> {
            seen.add(e.step());
            token.cancel();
        }));
        assertEquals(List.of(0), seen, "no tile runs after the cancel");
    }

    @Test
    void tileIntermediatesAreFreedWithTheirTile() {
        Run one = run(slim, landscape(), 2048, 8, PreviewPolicy.OFF, new CancellationToken(), StepListener.NONE);
        Run nine = run(slim, landscape(), 32, 8, PreviewPolicy.OFF, new CancellationToken(), StepListener.NONE);
        assertEquals(one.arraysLeft(), nine.arraysLeft(), "what the job scope holds does not grow with the tiles");
        assertTrue(nine.arraysLeft() <= 8, "the job scope holds " + nine.arraysLeft() + " arrays");
    }

    @Test
    void evenTilesCoverTheImageWithoutAMostlyRepeatedLastTile() {
        assertEquals(256, EsrganPipeline.evenTile(256, 256, 16));
        assertEquals(182, EsrganPipeline.evenTile(512, 256, 16));
        assertArrayEquals(new int[] {0, 1}, TfConv2d.samePadding(5, 2, 1), "TF 'same': the extra pixel at the end");
        assertArrayEquals(new int[] {1, 1}, TfConv2d.samePadding(7, 3, 1));
        assertArrayEquals(new int[] {1, 2}, TfConv2d.samePadding(5, 4, 2));
    }
}
