package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.diffusion.NoiseSource;
import dev.restora.core.diffusion.Sampler;
import dev.restora.resshift.diffusion.EtaSchedule;
import dev.restora.resshift.diffusion.OneStepSampler;
import dev.restora.resshift.diffusion.ResShiftSampler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec test vectors T1-T3 and SinSR's one-step sampler (no fixture covers it). */
class SamplerTest {

    @Test
    void scheduleTestVectors() {
        EtaSchedule s15 = ResShiftModels.variants().stream().filter(v -> v.id().equals("realsr-x4-v2")).findFirst()
                .orElseThrow().schedule();
        double[] t1 = {0.0200000000, 0.1171650823, 0.1763045553, 0.2336289165, 0.2915741278, 0.3510092843,
            0.4123561443, 0.4758577309, 0.5416716776, 0.6099099334, 0.6806580171, 0.7539852625, 0.8299506624,
            0.9086063878, 0.9900000000};
        for (int t = 0; t < 15; t++) {
            assertEquals(t1[t], s15.sqrtEta(t), 1e-10, "sqrt eta " + t);
        }
        assertEquals(2.2181974664, s15.inputScale(14), 1e-10);
        assertEquals(1.0007996803, s15.inputScale(0), 1e-10);
        assertEquals(0.8423278930, s15.coef1(14), 1e-10);
        assertEquals(0.7215778893, Math.sqrt(s15.posteriorVariance(14)), 1e-10);
        assertEquals(0.0394129266, Math.sqrt(s15.posteriorVariance(1)), 1e-10);
        EtaSchedule legacy = EtaSchedule.exponential(15, 0.3, 0.04, 0.99, 1.0, true);
        assertEquals(0.0316227766, legacy.sqrtEta(0), 1e-10);
        assertEquals(0.1505295065, legacy.sqrtEta(1), 1e-10);
        assertEquals(0.5186009057, legacy.sqrtEta(7), 1e-10);
        EtaSchedule s4 = ResShiftModels.variants().get(0).schedule();
        assertEquals(0.1962683322, Math.sqrt(s4.posteriorVariance(1)), 1e-10);
        assertEquals(0.9732917907, Math.sqrt(s4.posteriorVariance(3)), 1e-10);
        assertEquals(1.98, s4.priorStd(), 1e-12);
    }

    /** Counts draws and returns constant noise. */
    private static final class CountingNoise implements NoiseSource {
        final List<Shape> draws = new ArrayList<>();

        @Override
        public NDArray normal(NDManager manager, Shape shape) {
            draws.add(shape);
            return manager.ones(shape);
        }
    }

    @Test
    void sinsrOneStep() {
        ResShiftVariant sinsr = ResShiftModels.variants().stream().filter(ResShiftVariant::oneStep).findFirst()
                .orElseThrow();
        EtaSchedule s = sinsr.schedule();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zY = m.create(new float[] {0.5f, -0.25f}, new Shape(1, 2, 1, 1));
            OneStepSampler sampler = new OneStepSampler(s, zY, null);
            CountingNoise noise = new CountingNoise();
            NDArray x = sampler.initialState(m, noise);
            assertArrayEquals(new float[] {0.5f + 1.98f, -0.25f + 1.98f}, x.toFloatArray(), 1e-6f);
            assertEquals(1, sampler.steps());
            long[] seenT = new long[1];
            float[][] seenIn = new float[1][];
            Sampler.Step step = sampler.step((in, t, cond) -> {
                seenT[0] = t.toLongArray()[0];
                seenIn[0] = in.toFloatArray();
                return in.mul(0).add(7f);
            }, 0, x, m, noise);
            assertEquals(14, seenT[0]);
            assertEquals((0.5f + 1.98f) / 2.2181974664f, seenIn[0][0], 1e-6f);
            assertArrayEquals(new float[] {7f, 7f}, step.next().toFloatArray());
            assertEquals(2, noise.draws.size(), "the reference draws one more noise before stopping");
            // the full loop of the same schedule runs 15 steps and ends on x0 of t = 0
            ResShiftSampler full = new ResShiftSampler(s, zY, null);
            assertEquals(15, full.steps());
            assertEquals(0, full.timestep(14));
            NDArray state = full.initialState(m, noise);
            Sampler.Step last = null;
            for (int i = 0; i < 15; i++) {
                last = full.step((in, t, cond) -> in.mul(0).add(3f), i, state, m, noise);
                state = last.next();
            }
            assertArrayEquals(new float[] {3f, 3f}, last.next().toFloatArray(), 0f);
            assertTrue(noise.draws.size() == 2 + 16);
        }
    }
}
