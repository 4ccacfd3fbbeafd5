package dev.restora.core.nn.quant;

import dev.restora.core.nn.ConvHook;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 fast mode of one loaded pipeline: its {@link Int8Network}, made on the first int8 run (refused there on a
 * CPU without 8-bit dot-product instructions), calibrated once by a quiet float32 run of the pipeline on a
 * representative excerpt of that run's input, then reused by every later int8 run; closed with the pipeline.
 */
public final class Int8Mode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Int8Mode.class);

    private Int8Network network;

    /**
     * Runs {@code body} with the eligible convolutions in int8. The first call runs {@code calibration} before it
     * (the pipeline's own float32 run, observed) and logs what was quantized; {@code calibratedOn} says on what.
     */
    public <T> T run(Runnable calibration, String calibratedOn, Supplier<T> body) {
        Int8Network q;
        synchronized (this) {
            if (network == null) {
                network = Int8Network.create();
            }
            q = network;
        }
        if (q.calibrateOnce(calibration)) {
            LOG.info("{} ({})", q.summary(), calibratedOn);
        }
        try (ConvHook.Installed on = q.quantized()) {
            return body.get();
        }
    }

    /** The int8 network once a run asked for it (benchmarks, tests), else null. */
    public synchronized Int8Network network() {
        return network;
    }

    @Override
    public synchronized void close() {
        if (network != null) {
            network.close();
            network = null;
        }
    }
}
