package dev.restora.sgmse;

import ai.djl.Device;
import dev.restora.core.engine.DeviceMemory;

/**
 * The longest chunk a GPU's free memory holds. The peak of a score-network call grows linearly with the STFT frames
 * (the NCSN++ feature maps at full resolution: 256 bins x 128 channels x 4 bytes = 128 KiB per frame and map, with
 * some 30 maps alive at once between the skip connections and the block temporaries, and the attention at the
 * coarsest level is small); at 16 kHz and a 128-sample hop that is 125 frames, about {@value #BYTES_PER_SECOND_16K}
 * bytes, per second of audio. An estimate from the network's shapes, not a measurement on a GPU (none was
 * available): {@code scripts/gpu-check.sh} is where to check it. On the CPU (and MPS, which reports no memory)
 * there is no cap: the chunk is the parameter's.
 */
final class ChunkBudget {
    static final long BYTES_PER_SECOND_16K = 500L << 20;
    /** Kept free for the weights' workspace, cuDNN and fragmentation. */
    static final long RESERVE = 1L << 30;
    static final int MAX_CHUNKS_AT_ONCE = 8;

    private ChunkBudget() {
    }

    /** The most samples at {@code rate} per chunk on {@code device}, or 0 for no limit. */
    static int maxSamples(Device device, int rate) {
        if (device == null || !device.isGpu()) {
            return 0;
        }
        long free = DeviceMemory.current().freeBytes(device);
        if (free <= 0) {
            return 0;
        }
        return maxSamples(free, rate);
    }

    /**
     * How many chunks of {@code length} samples go through the networks together: on a GPU as many as its free
     * memory holds (at most {@value #MAX_CHUNKS_AT_ONCE}), else one (the CPU's cores are busy with one chunk).
     */
    static int chunksAtOnce(Device device, int rate, int length) {
        double perChunk = BYTES_PER_SECOND_16K * (rate / 16000.0) * (length / (double) rate);
        return DeviceMemory.batchOnGpu(device, perChunk, 0.8, RESERVE, MAX_CHUNKS_AT_ONCE);
    }

    /** The most samples at {@code rate} that {@code freeBytes} hold, at least one second. */
    static int maxSamples(long freeBytes, int rate) {
        double usable = Math.max(0, freeBytes * 0.8 - RESERVE);
        double bytesPerSecond = BYTES_PER_SECOND_16K * (rate / 16000.0);
        double seconds = Math.max(1, Math.floor(usable / bytesPerSecond));
        return (int) Math.min(Integer.MAX_VALUE, Math.round(seconds * rate));
    }
}
