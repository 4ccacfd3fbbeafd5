package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import dev.restora.core.engine.CpuInfo;
import dev.restora.core.nn.Attention;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.ConvHook;
import dev.restora.core.nn.LinearLayer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The int8 fast mode of one loaded network (post-training quantization for diffusion models: PTQ4DM, Shang et al.,
 * CVPR 2023; Q-Diffusion, Li et al., ICCV 2023). {@link #calibrate} runs the float32 network on representative
 * inputs over all of the sampler's time steps and records each convolution's input and output range
 * ({@link RangeObserver}, min/max); afterwards, inside {@link #quantized()}, every eligible convolution
 * ({@link Int8Conv2d#eligible}) runs in int8 with those ranges, and every eligible linear layer
 * ({@link Int8Linear}) in dynamic int8. Convolutions not seen during calibration, grouped and thin ones stay float32.
 * Networks are unchanged: the switch happens in {@link Conv2dLayer#forward} and {@link LinearLayer#forward} through
 * a per-thread {@link ConvHook}. Keep one instance per loaded model (calibration is its one-time cost); close it with
 * the model.
 */
public final class Int8Network implements AutoCloseable {
    private final Map<Conv2dLayer, RangeObserver[]> ranges = new IdentityHashMap<>();
    private final Map<Conv2dLayer, Int8Conv2d> layers = new IdentityHashMap<>();
    /** made on first use: dynamic quantization needs no calibration */
    private final Map<LinearLayer, Int8Linear> linears = new IdentityHashMap<>();
    /** attention products in bfloat16 ({@link Bf16Attention}) where the CPU has bfloat16 dot products */
    private final boolean bf16Attention;
    private volatile boolean calibrated;
    private double calibrationSeconds;

    private Int8Network(boolean bf16Attention) {
        this.bf16Attention = bf16Attention;
    }

    /** A network's int8 mode on this machine; refused with a clear message on a CPU without VNNI/AMX. */
    public static Int8Network create() {
        return create(CpuInfo.current());
    }

    /** As {@link #create()} for the given CPU facts (tests inject them). */
    public static Int8Network create(CpuInfo cpu) {
        Int8Support.require(cpu);
        QuantHelper.get();
        return new Int8Network(Bf16Attention.supported(cpu));
    }

    public boolean calibrated() {
        return calibrated;
    }

    /** Wall time of the calibration runs. */
    public double calibrationSeconds() {
        return calibrationSeconds;
    }

    /** Convolutions that run in int8 after calibration. */
    public synchronized int int8Layers() {
        return layers.size();
    }

    /** Linear layers run in int8 so far (they join on their first quantized call). */
    public synchronized int int8Linears() {
        return linears.size();
    }

    /** Convolutions seen during calibration that stay float32. */
    public synchronized int floatLayers() {
        return ranges.size() - layers.size();
    }

    /**
     * Runs {@code runs} (float32, on this thread) while recording the range of every convolution's input and
     * output, then builds the int8 layers. Ranges widen over repeated calibrations.
     */
    public synchronized <T> T calibrate(Supplier<T> runs) {
        long t0 = System.nanoTime();
        T result;
        try (ConvHook.Installed h = ConvHook.install(this::observe)) {
            result = runs.get();
        }
        for (Int8Conv2d l : layers.values()) {
            l.close();
        }
        layers.clear();
        for (Map.Entry<Conv2dLayer, RangeObserver[]> e : ranges.entrySet()) {
            if (Int8Conv2d.eligible(e.getKey())) {
                layers.put(e.getKey(), new Int8Conv2d(e.getKey(), e.getValue()[0].quant(), e.getValue()[1].quant()));
            }
        }
        calibrationSeconds += (System.nanoTime() - t0) / 1e9;
        calibrated = true;
        return result;
    }

    /**
     * {@link #calibrate} unless already calibrated (the one-time cost of a loaded model).
     *
     * @return whether it calibrated now
     */
    public synchronized boolean calibrateOnce(Runnable runs) {
        if (calibrated) {
            return false;
        }
        calibrate(() -> {
            runs.run();
            return null;
        });
        return true;
    }

    /** One line for logs: how many convolutions run in int8, on what, in how long. */
    public synchronized String summary() {
        return String.format(java.util.Locale.ROOT, "int8: %d convolutions quantized, %d stay float32; calibration "
                + "took %.1f s", int8Layers(), floatLayers(), calibrationSeconds);
    }

    private NDArray observe(Conv2dLayer conv, NDArray x) {
        NDArray y = conv.forwardFloat(x);
        if (Int8Conv2d.eligible(conv)) {
            RangeObserver[] r;
            synchronized (this) {
                r = ranges.computeIfAbsent(conv, c -> new RangeObserver[] {new RangeObserver(), new RangeObserver()});
            }
            r[0].observe(x);
            r[1].observe(y);
        } else {
            synchronized (this) {
                ranges.putIfAbsent(conv, new RangeObserver[] {new RangeObserver(), new RangeObserver()});
            }
        }
        return y;
    }

    /**
     * Runs the calibrated convolutions and the linear layers of this network in int8, and its long attentions with
     * bfloat16 products where the CPU has them, on this thread until the result is closed.
     */
    public ConvHook.Installed quantized() {
        return quantized(conv -> true);
    }

    /** As {@link #quantized()} for the convolutions {@code which} accepts only (the others run float32). */
    public ConvHook.Installed quantized(java.util.function.Predicate<Conv2dLayer> which) {
        if (!calibrated) {
            throw new IllegalStateException("int8 network used before calibration");
        }
        return ConvHook.install(new ConvHook() {
            @Override
            public NDArray forward(Conv2dLayer conv, NDArray x) {
                return which.test(conv) ? quantizedForward(conv, x) : conv.forwardFloat(x);
            }

            @Override
            public NDArray linear(LinearLayer layer, NDArray x) {
                return quantizedLinear(layer, x);
            }

            @Override
            public NDArray attention(NDArray q, NDArray k, NDArray v, double scale, NDArray bias) {
                return lowPrecisionAttention(q, k, v, scale, bias);
            }
        });
    }

    private NDArray quantizedForward(Conv2dLayer conv, NDArray x) {
        Int8Conv2d q;
        synchronized (this) {
            q = layers.get(conv);
        }
        return q != null ? q.forward(x) : conv.forwardFloat(x);
    }

    private NDArray lowPrecisionAttention(NDArray q, NDArray k, NDArray v, double scale, NDArray bias) {
        if (!bf16Attention || !Bf16Attention.applies(q, k, v, bias)) {
            return Attention.scaledDotProductFloat(q, k, v, scale, bias);
        }
        Attention.countProducts(q, k, v);
        return Bf16Attention.forward(q, k, v, scale);
    }

    private NDArray quantizedLinear(LinearLayer layer, NDArray x) {
        if (!Int8Linear.eligible(layer)) {
            return layer.forwardFloat(x);
        }
        Int8Linear q;
        synchronized (this) {
            q = linears.computeIfAbsent(layer, Int8Linear::new);
        }
        return q.forward(x);
    }

    /**
     * For diagnosis: every calibrated convolution runs both ways and {@code sink} gets its int8 output's relative
     * RMS error against float32; the network continues on the float32 output, so errors do not accumulate.
     */
    public ConvHook.Installed compared(java.util.function.BiConsumer<Conv2dLayer, Double> sink) {
        return ConvHook.install((conv, x) -> {
            NDArray y = conv.forwardFloat(x);
            Int8Conv2d q;
            synchronized (this) {
                q = layers.get(conv);
            }
            if (q != null) {
                sink.accept(conv, Deviation.relativeRms(y, q.forward(x)));
            }
            return y;
        });
    }

    @Override
    public synchronized void close() {
        for (Int8Conv2d l : layers.values()) {
            l.close();
        }
        layers.clear();
        for (Int8Linear l : linears.values()) {
            l.close();
        }
        linears.clear();
    }
}
