package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.RecordedNoise;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.image.ImageCodec;
import dev.restora.core.image.ImageMetadata;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's behaviour beyond parity, on the small fixture checkpoints through the provider: previews,
 * seeded tiled runs, alpha and image settings, parameter errors, and the released catalogue.
 */
class PipelineFeaturesTest {

    record Loaded(ResShiftProvider provider, RestorationPipeline pipeline, FixtureModels.Setup setup,
                          JsonObject c, ParityFixtures fx) {
    }

    static Loaded load(NDManager weights, boolean withMask) {
        ParityFixtures fx = ParityFixtures.family("resshift");
        JsonObject c = FixtureModels.firstCase(fx, withMask);
        FixtureModels.Setup s = FixtureModels.setup(fx, c);
        ResShiftProvider provider = new ResShiftProvider(List.of(s.variant()));
        RestorationPipeline p = provider.create(new PipelineContext(s.variant().option(), Device.cpu(), weights,
                s.resolver()));
        return new Loaded(provider, p, s, c, fx);
    }

    static ImageBuffer input(Loaded l) {
        return ImageCodec.read(l.fx().file(l.c().getAsJsonObject("inputs").get("lq_png").getAsString()));
    }

    @Test
    void previewsLatentEveryStepDecodedWhenThePolicyFires() {
        try (NDManager weights = NDManager.newBaseManager()) {
            Loaded l = load(weights, false);
            ImageBuffer img = input(l);
            int steps = l.setup().variant().steps();
            Map<String, Object> params = Map.of(ResShiftProvider.TILE_SIZE, Math.max(img.width(), img.height()));
            List<StepEvent> events = new ArrayList<>();
            float[] withPreviews;
            try (NDManager scope = NDManager.newBaseManager()) {
                withPreviews = ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                        l.provider().descriptor(), params, new RecordedNoise(FixtureModels.noises(l.fx(),
                                l.c().getAsJsonObject("intermediates"))), events::add, new CancellationToken(),
                        new PreviewPolicy(true, 2, 0)))).image().rgb();
            }
            assertEquals(steps, events.size());
            int sf = l.setup().variant().scale();
            int f = l.setup().variant().latentFactor();
            for (StepEvent e : events) {
                PreviewFrame.Image q = (PreviewFrame.Image) e.quickPreview();
                assertNotNull(q, "latent preview at every step");
                assertEquals((img.width() * sf + f - 1) / f, q.width());
                assertEquals((img.height() * sf + f - 1) / f, q.height());
                boolean due = (e.step() + 1) % 2 == 0 || e.step() == steps - 1;
                if (due) {
                    PreviewFrame.Image full = (PreviewFrame.Image) e.preview();
                    assertNotNull(full, "decoded preview at step " + e.step());
                    assertEquals(img.width() * sf, full.width());
                    assertEquals(img.height() * sf, full.height());
                } else {
                    assertNull(e.preview(), "no decoded preview at step " + e.step());
                }
            }
            // the latent preview of the last step resembles the decoded one (same picture at 1/f resolution)
            PreviewFrame.Image quick = (PreviewFrame.Image) events.get(steps - 1).quickPreview();
            assertTrue(distinctColours(quick.argb()) > 10, "latent preview is not flat");
            // previews change nothing: the same noise without previews gives the same image
            try (NDManager scope = NDManager.newBaseManager()) {
                float[] without = ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                        l.provider().descriptor(), params, new RecordedNoise(FixtureModels.noises(l.fx(),
                                l.c().getAsJsonObject("intermediates"))), StepListener.NONE, new CancellationToken(),
                        PreviewPolicy.OFF))).image().rgb();
                assertArrayEquals(without, withPreviews);
            }
        }
    }

    private static int distinctColours(int[] argb) {
        Set<Integer> s = new java.util.HashSet<>();
        for (int v : argb) {
            s.add(v);
        }
        return s.size();
    }

    private static float[] runSeeded(Loaded l, ImageBuffer img, long seed, Map<String, Object> params) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                    l.provider().descriptor(), params, new SeededNoise(seed), StepListener.NONE, new CancellationToken(),
                    PreviewPolicy.OFF))).image().rgb();
        }
    }

    @Test
    void tiledRunsAreReproducibleFromTheSeed() {
        try (NDManager weights = NDManager.newBaseManager()) {
            Loaded l = load(weights, false);
            int off = l.setup().variant().paddingOffset();
            // an image of 1.5 x 1.25 tiles, so that tiles overlap on both axes
            ImageBuffer big = resized(input(l), off * 3 / 2, off * 5 / 4);
            Map<String, Object> params = new HashMap<>();
            params.put(ResShiftProvider.TILE_SIZE, off);
            params.put(ResShiftProvider.TILE_OVERLAP, off / 4);
            float[] a = runSeeded(l, big, 7, params);
            float[] b = runSeeded(l, big, 7, params);
            float[] c = runSeeded(l, big, 8, params);
            assertEquals(3 * big.width() * big.height() * 16, a.length);
            assertArrayEquals(a, b, "same seed, same tiled result");
            assertFalse(java.util.Arrays.equals(a, c), "another seed changes the result");
        }
    }

    @Test
    void tiledPreviewsShowTheWholePictureFillingIn() {
        try (NDManager weights = NDManager.newBaseManager()) {
            Loaded l = load(weights, false);
            int off = l.setup().variant().paddingOffset();
            int sf = l.setup().variant().scale();
            ImageBuffer big = resized(input(l), off * 3 / 2, off * 5 / 4);
            Map<String, Object> params = new HashMap<>();
            params.put(ResShiftProvider.TILE_SIZE, off);
            params.put(ResShiftProvider.TILE_OVERLAP, off / 4);
            List<StepEvent> events = new ArrayList<>();
            ImageBuffer out;
            try (NDManager scope = NDManager.newBaseManager()) {
                out = ((Media.Image) l.pipeline().run(Media.of(big), PipelineParityTest.context(scope,
                        l.provider().descriptor(), params, new SeededNoise(3), events::add, new CancellationToken(),
                        new PreviewPolicy(true, 1, 0)))).image();
            }
            int ow = big.width() * sf;
            int oh = big.height() * sf;
            assertEquals(4 * l.setup().variant().steps(), events.size(), "2 x 2 tiles");
            for (StepEvent e : events) {
                PreviewFrame.Image q = (PreviewFrame.Image) e.quickPreview();
                assertEquals(ow, q.width(), "whole-picture preview");
                assertEquals(oh, q.height());
                assertTrue(q.label().contains("tile " + (e.stage() + 1) + "/4"), q.label());
            }
            // the first frame: the bottom-right corner (tile 4 only) is still the input, dimmed
            int[] lq = dev.restora.core.image.ImageOps.toArgb(big);
            int corner = lq[big.width() * big.height() - 1];
            int[] first = ((PreviewFrame.Image) events.get(0).quickPreview()).argb();
            assertEquals(0xff000000 | (corner >> 1 & 0x7f7f7f), first[ow * oh - 1]);
            // the last frame: the top-left corner (tile 1 only) shows tile 1's result, which is the output there
            int[] last = ((PreviewFrame.Image) events.get(events.size() - 1).preview()).argb();
            int[] restored = dev.restora.core.image.ImageOps.toArgb(out);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int a = last[y * ow + x];
                    int b = restored[y * ow + x];
                    for (int shift = 0; shift <= 16; shift += 8) {
                        assertEquals(b >> shift & 0xff, a >> shift & 0xff, 1, "pixel " + x + "," + y);
                    }
                }
            }
        }
    }

    /** Nearest-neighbour resize of an image buffer (test input of another size). */
    static ImageBuffer resized(ImageBuffer src, int w, int h) {
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y * src.height() / h;
                    int sx = x * src.width() / w;
                    out[(c * h + y) * w + x] = src.rgb()[(c * src.height() + sy) * src.width() + sx];
                }
            }
        }
        return ImageBuffer.rgb(w, h, out);
    }

    @Test
    void alphaIsResampledAndImageSettingsKept() {
        try (NDManager weights = NDManager.newBaseManager()) {
            Loaded l = load(weights, false);
            ImageBuffer rgb = input(l);
            int w = rgb.width();
            int h = rgb.height();
            float[] alpha = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    alpha[y * w + x] = x < w / 2 ? 1f : 0.25f;
                }
            }
            ImageMetadata meta = new ImageMetadata(new byte[] {1, 2, 3}, null);
            ImageBuffer img = new ImageBuffer(w, h, rgb.rgb(), alpha, 16, false, meta);
            int sf = l.setup().variant().scale();
            ImageBuffer out;
            try (NDManager scope = NDManager.newBaseManager()) {
                out = ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                        l.provider().descriptor(), Map.of(), new SeededNoise(1), StepListener.NONE,
                        new CancellationToken(), PreviewPolicy.OFF))).image();
            }
            assertEquals(w * sf, out.width());
            assertEquals(h * sf, out.height());
            assertEquals(16, out.bitDepth());
            assertSame(meta, out.metadata());
            assertTrue(out.hasAlpha());
            float[] a = out.alpha();
            int ow = out.width();
            assertEquals(1f, a[0], 1e-6f);
            assertEquals(0.25f, a[ow - 1], 1e-6f);
            // the core's one alpha resampling (the same as classic-image's and the restore's)
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    dev.restora.core.image.ImageOps.resizeAlpha(alpha, w, h, w * sf, h * sf), a);
            // overshoot across the edge clamped into [0, 1], values between the two levels nearby
            for (float v : a) {
                assertTrue(v >= 0 && v <= 1);
            }
            float mid = a[(ow / 2)];
            assertTrue(mid > 0.2f && mid < 1f, "transition at the edge: " + mid);
        }
    }

    @Test
    void clearErrorsForBadParameters() {
        try (NDManager weights = NDManager.newBaseManager()) {
            Loaded inpaint = load(weights, true);
            ImageBuffer img = input(inpaint);
            try (NDManager scope = NDManager.newBaseManager()) {
                RestoraException e = assertThrows(RestoraException.class, () -> inpaint.pipeline().run(Media.of(img),
                        PipelineParityTest.context(scope, inpaint.provider().descriptor(), Map.of(), new SeededNoise(1),
                                StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF)));
                assertTrue(e.getMessage().contains("mask"), e.getMessage());
                RestoraException missing = assertThrows(RestoraException.class, () -> inpaint.pipeline().run(
                        Media.of(img), PipelineParityTest.context(scope, inpaint.provider().descriptor(),
                                Map.of(ResShiftProvider.MASK, "/nonexistent/mask.png"), new SeededNoise(1),
                                StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF)));
                assertTrue(missing.getMessage().contains("/nonexistent/mask.png"), missing.getMessage());
                RestoraException steps = assertThrows(RestoraException.class, () -> inpaint.pipeline().run(
                        Media.of(img), PipelineParityTest.context(scope, inpaint.provider().descriptor(),
                                Map.of(ResShiftProvider.STEPS, 7), new SeededNoise(1), StepListener.NONE,
                                new CancellationToken(), PreviewPolicy.OFF)));
                assertTrue(steps.getMessage().contains("steps=7"), steps.getMessage());
            }
        }
    }

    @Test
    void cancelledBeforeTheFirstStep() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager scope = NDManager.newBaseManager()) {
            Loaded l = load(weights, false);
            CancellationToken token = new CancellationToken();
            token.cancel();
            assertThrows(dev.restora.core.diffusion.CancelledException.class, () -> l.pipeline().run(
                    Media.of(input(l)), PipelineParityTest.context(scope, l.provider().descriptor(), Map.of(),
                            new SeededNoise(1), StepListener.NONE, token, PreviewPolicy.OFF)));
        }
    }

    @Test
    void releasedCatalogue() {
        PipelineProvider found = ServiceLoader.load(PipelineProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof ResShiftProvider).findFirst().orElseThrow();
        List<ModelOption> models = found.descriptor().models();
        assertEquals(List.of("realsr-x4-v3", "realsr-x4-v2", "realsr-x4-v1", "bicsr-x4", "inpaint-imagenet",
                "inpaint-face", "faceir", "sinsr-x4"), models.stream().map(ModelOption::id).toList());
        Map<String, CatalogEntry> entries = found.catalog().stream()
                .collect(Collectors.toMap(CatalogEntry::id, e -> e));
        for (ModelOption m : models) {
            for (String id : m.catalogEntryIds()) {
                assertTrue(entries.containsKey(id), m.id() + " needs unknown entry " + id);
            }
        }
        for (CatalogEntry e : entries.values()) {
            assertTrue(e.mustAccept(), e.id() + " licence must be accepted");
            assertTrue(e.licence().toLowerCase(java.util.Locale.ROOT).contains("non-commercial"), e.id());
            assertTrue(e.url().startsWith("https://github.com/") && e.url().endsWith(".pth"), e.url());
        }
        for (CatalogEntry e : entries.values()) {
            assertNotNull(found.expectedStructure(e.id()), "structure check for " + e.id());
        }
        // the realsr denoiser's first conv takes x_t and the LQ (6 channels), the inpainting one 3 + 64 features
        assertEquals(List.of(160L, 6L, 3L, 3L), found.expectedStructure("resshift-realsr-x4-v3").shapes()
                .get("input_blocks.0.0.weight"));
        assertEquals(List.of(160L, 67L, 3L, 3L), found.expectedStructure("resshift-inpaint-imagenet").shapes()
                .get("input_blocks.0.0.weight"));
        assertEquals(List.of(4096L, 8L), found.expectedStructure(ResShiftModels.VQ_F8_FACE).shapes()
                .get("quantize.embedding.weight"));
        assertEquals(4, models.get(0).scale());
        assertEquals(1, found.descriptor().model("faceir").orElseThrow().scale());
        assertNotNull(found.benchmark());
        Set<String> ids = found.descriptor().parameters().stream().map(p -> p.id()).collect(Collectors.toSet());
        assertTrue(ids.containsAll(Set.of("seed", "steps", "tile_size", "tile_overlap", "tiling", "mask",
                "decoded_previews")), ids.toString());
    }
}
