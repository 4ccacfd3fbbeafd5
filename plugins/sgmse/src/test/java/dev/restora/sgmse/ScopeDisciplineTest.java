package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.sgmse.sampling.ScoreFunction;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The models' network calls leave nothing in the run's scope: the conditioning y lives all run while each sampler
 * step has its own scope (as {@code DiffusionLoop} makes them), so an operation with y as its first operand would
 * put a full-size array into the run scope on every call (DJL attaches a result to its first operand's manager).
 * Every fixture checkpoint, five calls each.
 */
class ScopeDisciplineTest {
    @Test
    void scoreCallsLeaveNothingInTheRunScope() {
        int checked = 0;
        for (String family : new String[] {"sgmse", "storm"}) {
            ParityFixtures fx = ParityFixtures.family(family);
            for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
                Path file = fx.file(e.getAsJsonObject().get("file").getAsString());
                try (NDManager weights = NDManager.newBaseManager(); NDManager run = weights.newSubManager()) {
                    LoadedCheckpoint ck = LoadedCheckpoint.read(file, weights);
                    ScoreFunction score;
                    int bins;
                    NDArray condition;
                    Shape state;
                    if (StormModel.isStorm(ck)) {
                        StormModel model = StormModel.load(ck, false);
                        bins = model.spectral().stft().bins();
                        state = new Shape(1, 2, bins, 64);
                        NDArray y = run.randomNormal(state);
                        condition = model.conditioning(y, model.denoise(y));
                        score = model;
                    } else {
                        SgmseModel model = SgmseModel.load(ck, false);
                        bins = model.spectral().stft().bins();
                        state = new Shape(1, 2, bins, 64);
                        condition = run.randomNormal(state);
                        score = model::output; // the network output: a score, or a clean estimate for the bridge
                    }
                    int before = run.getManagedArrays().size();
                    for (int i = 0; i < 5; i++) {
                        try (NDManager step = run.newSubManager()) {
                            NDArray x = step.randomNormal(state);
                            NDArray s = score.score(x, condition, new float[] {0.9f - 0.15f * i});
                            assertEquals(state, s.getShape());
                        }
                    }
                    assertEquals(before, run.getManagedArrays().size(), file.getFileName()
                            + ": network calls left arrays in the run's scope");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 2, "checkpoints checked: " + checked);
    }
}
