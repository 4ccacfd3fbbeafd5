package dev.restora.resshift;

import ai.djl.Device;
import dev.restora.core.engine.DeviceMemory;

/**
 * Chooses the tile side (LQ pixels) from the memory available on the device (on a GPU its free memory), and how
 * many tiles run at once. The peak of a tile is the VQ autoencoder at output resolution (the mid attention is
 * chunked and bounded). Measured with the released f4 model on CPU (ResShiftBenchmark, resident peak minus weights
 * and JVM): about 19-25 KB per output pixel, i.e. ~190 bytes per output pixel and autoencoder base channel; the
 * budget takes 200.
 */
final class TileBudget {
    static final long RESERVE = 1L << 30;
    static final double BYTES_PER_OUT_PIXEL_AND_CHANNEL = 200;
    static final int MAX_TILES_AT_ONCE = 8;

    private TileBudget() {
    }

    static int autoTile(ResShiftVariant v, Device device) {
        long avail = available(device);
        double perOutPixel = BYTES_PER_OUT_PIXEL_AND_CHANNEL * v.vq().ch();
        double usable = Math.max(0, avail * 0.6 - RESERVE);
        double lqSide = Math.sqrt(usable / perOutPixel) / v.scale();
        return clampTile(v, (int) lqSide);
    }

    /**
     * How many tiles of side {@code tile} go through the networks together: on a GPU as many as its free memory holds
     * (at most {@value #MAX_TILES_AT_ONCE}), else one (the CPU's cores are busy with one tile already; a batch costs
     * memory and gains nothing there).
     */
    static int tilesAtOnce(ResShiftVariant v, Device device, int tile) {
        double out = (double) tile * v.scale();
        return DeviceMemory.batchOnGpu(device, BYTES_PER_OUT_PIXEL_AND_CHANNEL * v.vq().ch() * out * out, 0.6, RESERVE,
                MAX_TILES_AT_ONCE);
    }

    /** Rounds down to a multiple of the padding offset, within [offset, max side]. */
    static int clampTile(ResShiftVariant v, int side) {
        int off = v.paddingOffset();
        int max = Math.max(off, v.scale() > 1 ? 1024 : 2048);
        int t = Math.min(max, side) / off * off;
        return Math.max(off, t);
    }

    /**
     * Bytes the device can still give (core {@link DeviceMemory}: a GPU's free memory, the OS's available memory for
     * the CPU; 4 GiB when unknown, as for Apple's MPS device).
     */
    static long available(Device device) {
        return DeviceMemory.current().freeBytesOrDefault(device);
    }
}
