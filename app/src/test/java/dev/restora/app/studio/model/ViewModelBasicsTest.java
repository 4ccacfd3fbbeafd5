package dev.restora.app.studio.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.StudioFixtures;
import dev.restora.core.diffusion.PreviewFrame;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ParameterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain view-model pieces, without the toolkit. */
class ViewModelBasicsTest {

    @Test
    void parameterFormValidatesKeepsOverridesAndRollsSeeds() {
        ParameterForm f = new ParameterForm(List.of(new ParameterSpec.IntSpec("steps", "Steps", "", 4, 1, 10),
                new ParameterSpec.DoubleSpec("g", "Gain", "", 1.0, 0.0, 2.0),
                new ParameterSpec.BoolSpec("b", "B", "", false),
                new ParameterSpec.ChoiceSpec("c", "C", "", "x", List.of("x", "y")),
                new ParameterSpec.SeedSpec("seed", "Seed", "")));
        assertEquals(ParameterForm.Control.INT, f.field("steps").control());
        assertEquals(ParameterForm.Control.SEED, f.seedField().control());
        assertFalse(f.field("steps").set(11));
        assertNotNull(f.field("steps").error().get());
        assertTrue(f.field("steps").error().get().contains("between 1 and 10"), f.field("steps").error().get());
        assertEquals(4, f.field("steps").value().get());
        assertTrue(f.hasErrors());
        assertTrue(f.field("steps").set("7"));
        assertNull(f.field("steps").error().get());
        assertTrue(f.field("c").set("y"));
        assertFalse(f.field("c").set("z"));
        f.field("c").set("y");
        long seed = f.seedField().rollSeed(new Random(1));
        assertTrue(seed >= 0);
        assertEquals(Map.of("steps", 7, "c", "y", "seed", seed), f.overrides());
        assertEquals(7, f.values().getInt("steps"));
        ParameterForm g = new ParameterForm(f.fields().stream().<ParameterSpec<?>>map(ParameterForm.Field::spec)
                .toList());
        g.apply(f.overrides());
        assertEquals(f.overrides(), g.overrides());
    }

    @Test
    void viewportFitsZoomsAtThePointerAndGoesOneToOne() {
        Viewport v = new Viewport();
        v.setView(800, 600);
        v.setContent(1600, 600);
        assertEquals(0.5, v.scale(), 1e-9);
        assertEquals(150, v.ty(), 1e-9); // centred vertically
        double cx = v.toContentX(300);
        double cy = v.toContentY(200);
        v.zoomAt(3, 300, 200);
        assertEquals(1.5, v.scale(), 1e-9);
        assertEquals(cx, v.toContentX(300), 1e-9);
        assertEquals(cy, v.toContentY(200), 1e-9);
        assertFalse(v.isFitted());
        v.oneToOne();
        assertEquals(1, v.scale(), 1e-9);
        v.pan(10, -5);
        double tx = v.tx();
        v.setView(400, 600); // keeps the centre point, not a re-fit
        assertEquals(1, v.scale(), 1e-9);
        assertEquals(tx - 200, v.tx(), 1e-9);
        v.fit();
        assertTrue(v.isFitted());
        assertEquals(0.25, v.scale(), 1e-9);
    }

    @Test
    void stepHistoryKeepsEveryThumbnailAndFullFramesWithinItsBudget() {
        StepHistory h = new StepHistory(3L * 4 * 200 * 100); // three full 200x100 frames
        for (int i = 0; i < 10; i++) {
            int[] px = new int[200 * 100];
            java.util.Arrays.fill(px, 0xFF000000 | i);
            PreviewFrame f = new PreviewFrame.Image("x", 200, 100, px);
            h.record(new StepEvent(i, 10, 0, 1, "", Duration.ofMillis(i), i % 2 == 0 ? f : null, i % 2 == 0 ? null : f));
        }
        assertEquals(10, h.size());
        long full = h.snapshot().stream().filter(e -> e.frame() != null).count();
        assertTrue(full <= 3 && full >= 1, "full frames kept: " + full);
        assertNotNull(h.get(9).frame(), "the latest frame is always full");
        for (StepHistory.Entry e : h.snapshot()) {
            assertEquals(StepHistory.THUMB_SIDE, e.thumb().width());
            assertEquals(48, e.thumb().height());
        }
        assertEquals("step 10/10", h.get(9).label());
        // the strip's view: every step's thumbnail, from a position on
        assertEquals(10, h.thumbs(0).size());
        assertEquals(List.of(7, 8, 9), h.thumbs(7).stream().map(StepHistory.Thumb::index).toList());
        assertSame(h.get(8).thumb(), h.thumbs(8).get(0).thumb());
        assertTrue(h.thumbs(10).isEmpty());
    }

    @Test
    void fileOpenerOpensMixedFoldersAndListsBrokenFilesWithReasons(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("in");
        StudioFixtures.png(folder.resolve("a.png"), 16, 12);
        StudioFixtures.wav(folder.resolve("sub").resolve("b.wav"), 16000, 1600);
        StudioFixtures.brokenPng(folder.resolve("sub").resolve("broken.png"));
        Files.writeString(folder.resolve("notes.txt"), "not media");
        Files.writeString(folder.resolve(".hidden.png"), "hidden");
        Path loose = Files.writeString(dir.resolve("loose.txt"), "plain text");
        FileOpener.Result r = FileOpener.open(List.of(folder, loose, dir.resolve("missing.png")));
        assertEquals(List.of("a.png", "b.wav"), r.items().stream().map(OpenedItem::name).toList());
        assertEquals(Modality.IMAGE, r.items().get(0).kind());
        assertEquals(Modality.SPEECH, r.items().get(1).kind());
        assertEquals("16 × 12", r.items().get(0).summary());
        assertEquals(3, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.reason().contains("broken.png")), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.reason().contains("loose.txt")
                && p.reason().contains("neither an image")), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.reason().contains("missing.png")), r.problems().toString());
    }

    @Test
    void settingsPersistRecentFilesAndSurviveABrokenFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("studio").resolve("settings.json");
        SettingsStore s = new SettingsStore(file);
        for (int i = 0; i < 20; i++) {
            s.get().addRecent("/f" + i);
        }
        s.get().addRecent("/f5");
        s.get().theme = StudioSettings.Theme.DARK;
        s.get().previews = StudioSettings.PreviewMode.OFF;
        s.save();
        SettingsStore again = new SettingsStore(file);
        assertEquals(StudioSettings.MAX_RECENT, again.get().recentFiles.size());
        assertEquals("/f5", again.get().recentFiles.get(0));
        assertEquals("/f19", again.get().recentFiles.get(1));
        assertEquals(StudioSettings.Theme.DARK, again.get().theme);
        assertFalse(again.get().previewPolicy().enabled());
        Files.writeString(file, "{ broken");
        assertEquals(StudioSettings.Theme.SYSTEM, new SettingsStore(file).get().theme);
    }

    @Test
    void audioAnalysisAlignsRemovesAndDrawsSpectrograms() {
        float[] a = new float[16000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(2 * Math.PI * 1000 * i / 16000.0);
        }
        float[] half = AudioAnalysis.align(a, 16000, 8000, 8000);
        assertEquals(a[2], half[1], 1e-6);
        float[] back = AudioAnalysis.align(half, 8000, 16000, 16000);
        assertEquals(16000, back.length);
        float[] rem = AudioAnalysis.removed(a, a);
        assertEquals(0, rem[100], 0);
        float[] peaks = AudioAnalysis.peaks(a, 100);
        assertEquals(-1, peaks[0], 0.01);
        assertEquals(1, peaks[1], 0.01);
        Pixels.Argb spec = AudioAnalysis.spectrogram(a, 512, 200);
        assertEquals(257, spec.height());
        // the 1 kHz bin (32 of 256) is the brightest row
        int bestRow = -1;
        int best = -1;
        for (int y = 0; y < spec.height(); y++) {
            int v = spec.pixels()[y * spec.width() + spec.width() / 2] & 0xFFFFFF;
            int lum = ((v >> 16) & 255) + ((v >> 8) & 255) + (v & 255);
            if (lum > best) {
                best = lum;
                bestRow = y;
            }
        }
        assertEquals(256 - 32, bestRow);
    }
}
