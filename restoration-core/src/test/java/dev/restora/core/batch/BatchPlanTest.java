package dev.restora.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchPlanTest {
    @TempDir
    Path tmp;

    @Test
    void jsonRoundTripWithDefaultsAndRelativePaths() throws IOException {
        BatchPlan p = new BatchPlan().inputs(List.of("photos", "one.jpg")).output("restored").recursive(false)
                .naming("{name}_x{scale}.{ext}").overwrite(OverwritePolicy.RENAME).continueOnError(false)
                .pipeline("resshift").model("realsr-v3").parameters(Map.of("steps", 4, "strength", 0.5))
                .format("png");
        Path f = tmp.resolve("plans/plan.json");
        p.write(f);
        BatchPlan back = BatchPlan.read(f);
        assertEquals(List.of(tmp.resolve("plans/photos").toString(), tmp.resolve("plans/one.jpg").toString()),
                back.inputs());
        assertEquals(tmp.resolve("plans/restored").toString(), back.output());
        assertFalse(back.recursive());
        assertEquals(OverwritePolicy.RENAME, back.overwrite());
        assertFalse(back.continueOnError());
        assertEquals("resshift", back.pipeline());
        assertEquals(4L, back.parameters().get("steps"), "whole numbers come back as integers");
        assertEquals(0.5, back.parameters().get("strength"));
        assertEquals("png", back.format());

        // a minimal plan from the studio gets the documented defaults
        BatchPlan min = BatchPlan.fromJson("{\"inputs\":[\"a\"],\"output\":\"b\"}");
        assertTrue(min.recursive());
        assertTrue(min.continueOnError());
        assertEquals(OverwritePolicy.SKIP, min.effectiveOverwrite());
        assertEquals(BatchPlan.DEFAULT_NAMING, min.naming());
        assertEquals(OverwritePolicy.SKIP, new BatchPlan().overwrite(OverwritePolicy.OVERWRITE).skipExisting(true)
                .effectiveOverwrite());
    }

    @Test
    void invalidPlansAreClearErrors() throws IOException {
        assertTrue(assertThrows(RestoraException.class, () -> new BatchPlan().output("o").validate()).getMessage()
                .contains("no inputs"));
        assertTrue(assertThrows(RestoraException.class, () -> new BatchPlan().inputs(List.of("a")).validate())
                .getMessage().contains("no output"));
        RestoraException tok = assertThrows(RestoraException.class,
                () -> new BatchPlan().inputs(List.of("a")).output("o").naming("{name}_{size}.{ext}").validate());
        assertTrue(tok.getMessage().contains("{size}"), tok.getMessage());
        assertThrows(RestoraException.class, () -> BatchNaming.checkTemplate("../{name}.{ext}"));
        assertThrows(RestoraException.class, () -> BatchNaming.checkTemplate("out.{ext}"));
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{ inputs: [");
        RestoraException ex = assertThrows(RestoraException.class, () -> BatchPlan.read(bad));
        assertTrue(ex.getMessage().startsWith(bad.toString()), ex.getMessage());
        assertEquals(OverwritePolicy.RENAME, OverwritePolicy.parse(" Rename "));
        assertThrows(IllegalArgumentException.class, () -> OverwritePolicy.parse("maybe"));
    }

    @Test
    void namingTokens() {
        BatchNaming n = new BatchNaming("resshift", "realsr-v3", 4);
        assertEquals("cat_resshift_realsr-v3_x4.jpg", n.apply("{name}_{pipeline}_{model}_x{scale}.{ext}", "cat.jpg", null));
        assertEquals("cat.png", n.apply("{name}", "cat.webp", null), "unwritable input formats become png");
        assertEquals("talk_clean.flac", n.apply("{name}_clean.{ext}", "talk.flac", null), "FLAC stays FLAC");
        assertEquals("talk_clean.wav", n.apply("{name}_clean.{ext}", "talk.wave", null));
        assertEquals("cat.tif", n.apply("{name}.{ext}", "cat.jpg", "tif"));
        assertEquals("my.photo.png", n.apply("{name}.{ext}", "my.photo.png", null));
    }

    @Test
    void aPlanWrittenBeforeRoutesStillReadsAndRoutesRoundTrip() {
        String old = "{ \"version\": 1, \"inputs\": [\"photos\"], \"recursive\": true, \"output\": \"restored\","
                + " \"naming\": \"{name}_{pipeline}.{ext}\", \"skipExisting\": false, \"overwrite\": \"SKIP\","
                + " \"continueOnError\": true, \"pipeline\": \"resshift\", \"model\": \"realsr-v3\","
                + " \"parameters\": { \"steps\": 4 }, \"format\": null }";
        BatchPlan p = BatchPlan.fromJson(old);
        assertEquals("resshift", p.pipeline());
        assertEquals(4L, p.parameters().get("steps"));
        assertTrue(p.routes().isEmpty());
        assertEquals("resshift", p.routeFor(dev.restora.core.pipeline.Modality.SPEECH).pipeline(),
                "a plan's pipeline serves every kind");
        String oldFingerprint = "resshift|realsr-v3|{steps=4}|{name}_{pipeline}.{ext}|null";
        assertEquals(oldFingerprint, p.fingerprint(), "an older run's journal still resumes");

        BatchPlan routed = new BatchPlan().inputs(List.of("in")).output("out")
                .route(dev.restora.core.pipeline.Modality.IMAGE, new BatchPlan.Route("resshift", "realsr-v3",
                        java.util.Map.of("steps", 4L)))
                .route(dev.restora.core.pipeline.Modality.SPEECH, new BatchPlan.Route("sgmse", null, null));
        BatchPlan back = BatchPlan.fromJson(routed.toJson());
        assertEquals(null, back.pipeline());
        assertEquals(routed.routes(), back.routes());
        assertEquals(4L, back.routeFor(dev.restora.core.pipeline.Modality.IMAGE).parameters().get("steps"));
        assertEquals("sgmse", back.routeFor(dev.restora.core.pipeline.Modality.SPEECH).pipeline());
        assertEquals(routed.fingerprint(), back.fingerprint());
        assertTrue(assertThrows(RestoraException.class, () -> BatchPlan.fromJson(
                "{\"routes\": {\"video\": {\"pipeline\": \"x\"}}}")).getMessage().contains("video"));
    }
}
