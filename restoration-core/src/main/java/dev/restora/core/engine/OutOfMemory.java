package dev.restora.core.engine;

import ai.djl.engine.EngineException;
import dev.restora.core.RestoraException;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The one classifier of out-of-memory failures, and the halving retry built on it. libtorch reports an allocation
 * failure as an {@link EngineException} carrying PyTorch's text: on a CUDA device "CUDA out of memory. Tried to
 * allocate ..." (or "CUDA error: out of memory", "CUBLAS_STATUS_ALLOC_FAILED" from cuBLAS), on Apple's GPU "MPS
 * backend out of memory", on the CPU "DefaultCPUAllocator: not enough memory" / "can't allocate memory"; the JVM
 * throws {@link OutOfMemoryError}. The cause chain is searched, so a failure wrapped by a pipeline or a task is still
 * recognised.
 */
public final class OutOfMemory {
    private static final String[] DEVICE_TEXTS = {"cuda out of memory", "cuda error: out of memory",
        "cublas_status_alloc_failed", "cudaerrormemoryallocation", "cudnn_status_alloc_failed",
        "mps backend out of memory"};
    private static final String[] HOST_TEXTS = {"out of memory", "can't allocate memory", "cannot allocate memory",
        "defaultcpuallocator", "bad_alloc"};

    private OutOfMemory() {
    }

    /** Whether {@code e} (or a cause) is any out-of-memory failure: the device's, the host's or the JVM's. */
    public static boolean any(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError || c instanceof EngineException && contains(c, HOST_TEXTS)
                    || c instanceof EngineException && contains(c, DEVICE_TEXTS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} (or a cause) is a GPU (CUDA or MPS) running out of memory: the condition for falling back to
     * the CPU, which has more.
     */
    public static boolean onDevice(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof EngineException && contains(c, DEVICE_TEXTS)) {
                return true;
            }
        }
        return false;
    }

    /** The first line of the out-of-memory message in {@code e}'s chain (PyTorch's texts run over many lines). */
    public static String summary(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if ((c instanceof OutOfMemoryError || c instanceof EngineException) && c.getMessage() != null) {
                String m = c.getMessage().strip();
                int nl = m.indexOf('\n');
                return nl < 0 ? m : m.substring(0, nl).strip();
            }
        }
        return String.valueOf(e);
    }

    private static boolean contains(Throwable c, String[] texts) {
        if (c.getMessage() == null) {
            return false;
        }
        String m = c.getMessage().toLowerCase(Locale.ROOT);
        for (String t : texts) {
            if (m.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code attempt} with {@code size} (a tile side, a chunk length), halving the size and retrying while it
     * runs out of memory ({@link #any}); other failures pass through at once.
     *
     * @param min     the smallest size worth trying; once the next half would be below it the failure is reported
     *                as a {@link RestoraException} with the text {@code giveUp} makes of the last size (the
     *                out-of-memory error stays its cause, so {@link #onDevice} still sees it)
     * @param onRetry told the smaller size before each retry (may be null)
     */
    public static <T> T halving(int size, int min, IntFunction<T> attempt, IntConsumer onRetry,
                                IntFunction<String> giveUp) {
        int s = size;
        while (true) {
            try {
                return attempt.apply(s);
            } catch (RuntimeException | OutOfMemoryError e) {
                if (!any(e)) {
                    throw e;
                }
                int smaller = s / 2;
                if (smaller < min || smaller < 1) {
                    throw new RestoraException(giveUp.apply(s), e);
                }
                if (onRetry != null) {
                    onRetry.accept(smaller);
                }
                s = smaller;
            }
        }
    }
}
