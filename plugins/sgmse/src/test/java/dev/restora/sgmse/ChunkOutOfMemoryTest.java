package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import dev.restora.audio.AudioClip;
import dev.restora.core.RestoraException;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.engine.OutOfMemory;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.pipeline.RunContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A GPU out of memory in the middle of a real SGMSE+ run (fixture checkpoint, on the CPU), injected in the diffusion
 * loop as libtorch words it: the chunk halves and the result is the halved chunk's; and the GPU chunk budget.
 */
class ChunkOutOfMemoryTest {
    static final String CUDA_OOM = "CUDA out of memory. Tried to allocate 3.00 GiB (GPU 0; 7.79 GiB total capacity)";
    private static final int RATE = 16000;

    private static float[] run(RestorationPipeline p, float[] x, double chunkSeconds, StepListener listener) {
        try (NDManager scope = NDManager.newBaseManager()) {
            RunContext ctx = new RunContext(scope, Device.cpu(), ParameterValues.of(p.descriptor().parameters(),
                    Map.of("steps", 2, "corrector_steps", 0, "chunk_seconds", chunkSeconds)), new SeededNoise(11),
                    listener, new CancellationToken(), PreviewPolicy.OFF);
            return ((Media.Audio) p.run(Media.of(new AudioClip(new float[][] {x}, RATE, 16)), ctx)).clip()
                    .channels()[0];
        }
    }

    static RestorationPipeline pipeline(NDManager weights) {
        SgmseProvider provider = new SgmseProvider();
        Path ckpt = ParityFixtures.family("sgmse").file("sgmse_ncsnpp_small.ckpt");
        ModelOption option = provider.descriptor().requireModel("sgmse-vbdmd");
        return provider.create(new PipelineContext(option, Device.cpu(), weights, id -> ckpt));
    }

    @Test
    void aChunkOutOfMemoryHalvesTheChunkAndGivesTheHalvedChunksResult() {
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = pipeline(weights);
            float[] x = SpeechPipelineTest.signal(RATE * 5 / 2, RATE, 3); // 2.5 s
            List<Integer> stages = new ArrayList<>();
            float[] retried = run(p, x, 0.0, e -> {
                stages.add(e.stages());
                if (e.stages() == 1 && e.step() == 1) {
                    throw new EngineException(CUDA_OOM); // the whole recording at once does not fit
                }
            });
            assertEquals(1, stages.get(0), "first attempt: the whole recording");
            assertTrue(stages.get(stages.size() - 1) > 1, "then chunks: " + stages);
            float[] direct = run(p, x, x.length / 2 / (double) RATE, StepListener.NONE);
            assertEquals(x.length, retried.length);
            assertArrayEquals(direct, retried, "exactly a run with half the recording as the chunk length");
        }
    }

    @Test
    void outOfMemoryWithOneSecondChunksIsReportedWithTheDeviceCause() {
        try (NDManager weights = NDManager.newBaseManager()) {
            RestorationPipeline p = pipeline(weights);
            float[] x = SpeechPipelineTest.signal(RATE * 5 / 2, RATE, 3);
            List<Integer> attempts = new ArrayList<>();
            RestoraException e = assertThrows(RestoraException.class, () -> run(p, x, 2.0, ev -> {
                attempts.add(ev.stages());
                throw new EngineException(CUDA_OOM);
            }));
            assertEquals(2, attempts.size(), "2 s chunks, then 1 s chunks: " + attempts);
            assertEquals("out of memory even with chunks of 1.0 s; close other programs or run on the CPU",
                    e.getMessage());
            assertTrue(OutOfMemory.onDevice(e), "the worker pool can still move the job to the CPU");
        }
    }

    @Test
    void gpuChunksFollowFreeMemory() {
        long perSecond = ChunkBudget.BYTES_PER_SECOND_16K;
        long free = ChunkBudget.RESERVE * 5 / 4 + 8 * perSecond * 5 / 4; // 80 % usable: the reserve and 8 s
        assertEquals(8 * RATE, ChunkBudget.maxSamples(free, RATE));
        assertEquals(2 * 48000, ChunkBudget.maxSamples(free, 48000), "3x the bytes per second at 48 kHz: 8/3 s, whole seconds");
        assertEquals(RATE, ChunkBudget.maxSamples(1L << 20, RATE), "never below one second");
        assertEquals(0, ChunkBudget.maxSamples(Device.cpu(), RATE), "no cap on the CPU");
    }
}
