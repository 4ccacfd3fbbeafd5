package dev.restora.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchExpansionTest {
    @TempDir
    Path tmp;

    private void touch(String rel) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
    }

    @Test
    void mirrorsTheInputTreeAndLeavesOutOutputsAndHiddenFiles() throws IOException {
        touch("photos/b.png");
        touch("photos/a.jpg");
        touch("photos/sub/deep/c.webp");
        touch("photos/notes.txt");
        touch("photos/.hidden.png");
        touch("photos/.cache/d.png");
        touch("photos/sub/.e.png" + BatchRunner.TEMP_MARK + ".png");
        touch("photos/restored/old_resshift.png"); // the output folder inside the input
        touch("single/talk.wav");
        BatchPlan plan = new BatchPlan().inputs(List.of(tmp.resolve("photos").toString(),
                tmp.resolve("single/talk.wav").toString())).output(tmp.resolve("photos/restored").toString());
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("resshift", "m", 4), BatchExpansion.MEDIA);
        Path out = tmp.resolve("photos/restored");
        assertEquals(List.of(out.resolve("a_resshift.jpg"), out.resolve("b_resshift.png"),
                out.resolve("sub/deep/c_resshift.png"), out.resolve("talk_resshift.wav")),
                items.stream().map(BatchItem::output).toList());
        assertEquals(List.of(0, 1, 2, 3), items.stream().map(BatchItem::index).toList());
        assertEquals(Path.of("sub/deep/c.webp"), items.get(2).relative());

        BatchPlan flat = new BatchPlan().inputs(List.of(tmp.resolve("photos").toString())).output(out.toString())
                .recursive(false);
        assertEquals(2, BatchExpansion.expand(flat, new BatchNaming("p", "m", 1), BatchExpansion.IMAGES).size());
        assertEquals(0, BatchExpansion.expand(flat, new BatchNaming("p", "m", 1), BatchExpansion.AUDIO).size());
    }

    @Test
    void collidingOutputsAreNumberedAndMissingInputsNamed() throws IOException {
        touch("x/cat.png");
        touch("y/cat.png");
        BatchPlan plan = new BatchPlan().inputs(List.of(tmp.resolve("x/cat.png").toString(),
                tmp.resolve("y/cat.png").toString(), tmp.resolve("x/cat.png").toString())).output(tmp.resolve("o").toString())
                .naming("{name}.{ext}");
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("p", "m", 1), BatchExpansion.IMAGES);
        assertEquals(List.of(tmp.resolve("o/cat.png"), tmp.resolve("o/cat_2.png")),
                items.stream().map(BatchItem::output).toList());
        BatchPlan missing = new BatchPlan().inputs(List.of(tmp.resolve("nope").toString())).output("o");
        RestoraException ex = assertThrows(RestoraException.class,
                () -> BatchExpansion.expand(missing, new BatchNaming("p", "m", 1), BatchExpansion.IMAGES));
        assertTrue(ex.getMessage().contains("nope") && ex.getMessage().contains("no such file"), ex.getMessage());
    }

    @Test
    void oneFolderWalkForRestoreBatchAndTheStudio_sameFilesWhateverTheCaller() throws IOException {
        touch("mix/a.wav");
        touch("mix/b.wave");
        touch("mix/c.flac");
        touch("mix/d.png");
        touch("mix/e.TIF");
        touch("mix/notes.txt");
        touch("mix/.hidden.png");
        Path mix = tmp.resolve("mix");
        List<Path> expected = List.of(mix.resolve("a.wav"), mix.resolve("b.wave"), mix.resolve("c.flac"),
                mix.resolve("d.png"), mix.resolve("e.TIF"));
        assertEquals(expected, BatchExpansion.mediaFiles(mix, true, null, BatchExpansion.MEDIA));
        // the batch (mirrored) and the restore (flat) expansions of the folder pick exactly these
        BatchPlan batch = new BatchPlan().inputs(List.of(mix.toString())).output(tmp.resolve("o").toString());
        assertEquals(expected, BatchExpansion.expand(batch, new BatchNaming("p", "m", 1), BatchExpansion.MEDIA)
                .stream().map(BatchItem::input).toList());
        BatchPlan restore = new BatchPlan().layout(BatchPlan.Layout.FLAT).recursive(false)
                .inputs(List.of(mix.toString()));
        List<BatchItem> flat = BatchExpansion.expand(restore, new BatchNaming("p", "m", 1), BatchExpansion.MEDIA);
        assertEquals(expected, flat.stream().map(BatchItem::input).toList());
        // restore's layout: beside each input, FLAC kept
        assertEquals(mix.resolve("c_p.flac"), flat.get(2).output());
        assertEquals(mix.resolve("b_p.wav"), flat.get(1).output());
    }

    @Test
    void flatLayoutPutsEveryOutputInOneFolderAndKeepsAMissingFileAsAnItem() throws IOException {
        touch("x/same.png");
        touch("y/same.png");
        Path out = tmp.resolve("out");
        BatchPlan plan = new BatchPlan().layout(BatchPlan.Layout.FLAT).output(out.toString()).inputs(List.of(
                tmp.resolve("x/same.png").toString(), tmp.resolve("y/same.png").toString(),
                tmp.resolve("nope.png").toString()));
        List<BatchItem> items = BatchExpansion.expand(plan, new BatchNaming("p", "m", 1), BatchExpansion.IMAGES);
        assertEquals(List.of(out.resolve("same_p.png"), out.resolve("same_p-2.png"), out.resolve("nope_p.png")),
                items.stream().map(BatchItem::output).toList());
    }
}
