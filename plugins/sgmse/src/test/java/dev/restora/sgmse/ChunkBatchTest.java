package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.audio.AudioClip;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepEvent;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.engine.DeviceMemory;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Speech chunks through the networks several at once along the batch axis give what one at a time gives (SGMSE+
 * fixture checkpoint, PC sampler with the ALD corrector, on the CPU; each chunk keeps its own forked noise).
 */
class ChunkBatchTest {
    private static final int RATE = 16000;

    private static float[] run(RestorationPipeline p, float[] x, int batch, StepListener listener,
                               PreviewPolicy previews) {
        try (NDManager scope = NDManager.newBaseManager()) {
            RunContext ctx = new RunContext(scope, Device.cpu(), ParameterValues.of(p.descriptor().parameters(),
                    Map.of("steps", 2, "corrector_steps", 1, "chunk_seconds", 1.0, "chunk_batch", batch)),
                    new SeededNoise(4), listener, new CancellationToken(), previews);
            return ((Media.Audio) p.run(Media.of(new AudioClip(new float[][] {x}, RATE, 16)), ctx)).clip()
                    .channels()[0];
        }
    }

    @Test
    void chunksTogetherEqualChunksOneAtATime() {
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = ChunkOutOfMemoryTest.pipeline(weights);
            float[] x = SpeechPipelineTest.signal(RATE * 3, RATE, 5); // 1 s chunks, 0.25 s overlaps
            float[] single = run(p, x, 1, StepListener.NONE, PreviewPolicy.OFF);
            List<StepEvent> events = new ArrayList<>();
            float[] batched = run(p, x, 2, events::add, new PreviewPolicy(true, 1, 0));
            double max = 0;
            double peak = 0;
            for (int i = 0; i < single.length; i++) {
                max = Math.max(max, Math.abs(single[i] - batched[i]));
                peak = Math.max(peak, Math.abs(single[i]));
            }
            System.out.printf("chunks 2 at a time vs 1: max |difference| %.3g (peak %.3g) over %d samples%n", max,
                    peak, single.length);
            assertTrue(max <= 1e-5 * Math.max(1, peak), "batched result differs by " + max);
            Set<String> labels = new LinkedHashSet<>();
            for (StepEvent e : events) {
                labels.add(e.stageLabel());
                assertTrue(e.quickPreview() != null || e.preview() != null, "previews of the first chunk");
            }
            System.out.println("stages: " + labels);
            assertTrue(labels.size() >= 2 && labels.iterator().next().startsWith("chunks 1-2/"), labels.toString());
        }
    }

    @Test
    void onlySamplersThatTreatTheBatchElementsApartAreBatched() {
        try (NDManager weights = NDManager.newBaseManager()) {
            SpeechEnhancementPipeline p = (SpeechEnhancementPipeline) ChunkOutOfMemoryTest.pipeline(weights);
            Enhancer e = p.enhancer();
            assertTrue(e.batchable(new EnhanceOptions("pc", 30, 1, 0.5, false, "ald")));
            assertTrue(e.batchable(new EnhanceOptions("pc", 30, 0, 0.5, false, "langevin")));
            assertFalse(e.batchable(new EnhanceOptions("pc", 30, 1, 0.5, false, "langevin")), "averages over the batch");
            assertFalse(e.batchable(new EnhanceOptions("ode", 30, 1, 0.5, false, "ald")), "adaptive steps");
        }
    }

    @Test
    void chunksAtOnceFollowTheGpusFreeMemory() {
        assertEquals(1, ChunkBudget.chunksAtOnce(Device.cpu(), RATE, 10 * RATE));
        try {
            DeviceMemory.use(d -> d.isGpu() ? 24L << 30 : -1);
            // 80 % of 24 GiB less 1 GiB = 18.2 GiB; 10 s chunks at 500 MiB/s need 4.9 GiB each
            assertEquals(3, ChunkBudget.chunksAtOnce(Device.gpu(0), RATE, 10 * RATE));
            assertEquals(8, ChunkBudget.chunksAtOnce(Device.gpu(0), RATE, 2 * RATE), "at most 8");
            DeviceMemory.use(d -> -1);
            assertEquals(1, ChunkBudget.chunksAtOnce(Device.gpu(0), RATE, 10 * RATE), "unknown memory");
        } finally {
            DeviceMemory.use(DeviceMemory.BUILT_IN);
        }
    }
}
