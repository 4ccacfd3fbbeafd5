package dev.restora.app.architecture.dtypeviolation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.restora.core.engine.CpuFloat64;

/** Test-only: each line marked {@code // float64} makes a float64 array DJL would put on the device. */
public final class Float64Scalars {
    private Float64Scalars() {}

    public static NDArray all(NDManager manager, NDArray x, double scale) {
        NDArray a = x.mul(0.5); // float64
        NDArray b = a.add(scale); // float64
        NDArray c = b.clip(-1.0, 1.0f); // float64
        NDArray d = manager.create(new double[] {1, 2}); // float64
        NDArray e = manager.create(2.0); // float64
        NDArray f = e.toType(DataType.FLOAT64, false); // float64
        Double boxed = scale;
        NDArray g = f.sub(boxed); // float64
        Number unknown = scale;
        g = g.div(unknown); // float64
        java.nio.DoubleBuffer buffer = java.nio.DoubleBuffer.wrap(new double[] {1});
        g = g.add(manager.create(buffer, new ai.djl.ndarray.types.Shape(1))); // float64
        return g.mul(0.5f).add(2).div((float) scale).maximum(scale > 0 ? 1f : 0f);
    }

    /** Kept on the CPU: exempt. */
    @CpuFloat64("test fixture: exempt")
    public static NDArray exempt(NDManager manager, NDArray x) {
        java.util.function.Supplier<NDArray> s = () -> manager.create(new double[] {1}).mul(0.5);
        return x.mul(0.5).add(s.get());
    }
}
