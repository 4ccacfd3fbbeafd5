package dev.restora.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.engine.EngineSetup;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints one timing (after one warm-up) of the plain and the sub-pixel path at the VQ decoder's upsample sizes, and
 * of the two ways to interleave the phases. Off unless {@code -Drestora.nn.timing=true}; no assertions on time.
 */
@EnabledIfSystemProperty(named = "restora.nn.timing", matches = "true")
class NearestUpsampleConvTiming {
    private static final int REPEATS = Integer.getInteger("restora.nn.timing.repeats", 1);


    private static double seconds(NDManager m, Supplier<NDArray> f) {
        try (NDManager s = m.newSubManager()) {
            NDArray warm = f.get();
            warm.toFloatArray();
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r < REPEATS; r++) {
            try (NDManager s = m.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray y = f.get();
                y.get(0, 0, 0, 0).getFloat();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return best;
    }

    /** The interleave by two stacks (two full-size copies), channels-last. */
    private static NDArray stacked(NDArray o, long c, long h, long w) {
        NDArray[] p = new NDArray[4];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                int k = 2 * a + b;
                p[k] = o.get(new NDIndex(":, {}:{}, {}:{}, {}:{}", k * c, (k + 1) * c, a, a + h, b, b + w))
                        .transpose(0, 2, 3, 1);
            }
        }
        NDArray rows0 = NDArrays.stack(new NDList(p[0], p[1]), 3);
        NDArray rows1 = NDArrays.stack(new NDList(p[2], p[3]), 3);
        NDArray y = NDArrays.stack(new NDList(rows0, rows1), 2);
        return y.reshape(o.getShape().get(0), 2 * h, 2 * w, c).transpose(0, 3, 1, 2);
    }

    @Test
    void printTimings() {
        EngineSetup.configure();
        long[][] cases = {{512, 128}, {256, 256}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (long[] cs : cases) {
                long c = cs[0];
                long h = cs[1];
                StateDict sd = new StateDict(Map.of("weight", m.randomNormal(0, 0.02f, new Shape(c, c, 3, 3),
                        DataType.FLOAT32), "bias", m.randomNormal(new Shape(c))), "timing");
                NearestUpsampleConv up = NearestUpsampleConv.load(sd, c, c);
                NDArray x = MemoryFormat.channelsLast(m.randomNormal(new Shape(1, c, h, h)));
                System.setProperty(NearestUpsampleConv.PROPERTY, "false");
                double plain = seconds(m, () -> up.forward(x));
                System.clearProperty(NearestUpsampleConv.PROPERTY);
                double sub = seconds(m, () -> up.forward(x));
                double conv = seconds(m, () -> up.phaseConv().forward(x));
                double stack = seconds(m, () -> stacked(up.phaseConv().forward(x), c, h, h));
                NDArray o = up.phaseConv().forward(x);
                System.out.println("TIMING phase output channels-last: " + MemoryFormat.isChannelsLast(o));
                double copy = seconds(m, () -> {
                    NDArray y = m.create(new Shape(1, h, 2, h, 2, c));
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            int k = 2 * a + b;
                            y.set(new NDIndex(":, :, {}, :, {}, :", a, b), o.get(new NDIndex(":, {}:{}, {}:{}, {}:{}",
                                    k * c, (k + 1) * c, a, a + h, b, b + h)).transpose(0, 2, 3, 1));
                        }
                    }
                    return y.reshape(1, 2 * h, 2 * h, c);
                });
                double fill = seconds(m, () -> m.create(new Shape(1, 2 * h, 2 * h, c)).addi(0f));
                System.out.printf(Locale.ROOT, "TIMING interleave alone %.3f s, fresh output touched %.3f s%n", copy,
                        fill);
                System.out.printf(Locale.ROOT, "TIMING (1,%d,%d,%d): plain %.3f s, sub-pixel (set) %.3f s, its 2x2 "
                        + "conv alone %.3f s, sub-pixel (2 stacks) %.3f s%n", c, h, h, plain, sub, conv, stack);
            }
        }
    }
}
