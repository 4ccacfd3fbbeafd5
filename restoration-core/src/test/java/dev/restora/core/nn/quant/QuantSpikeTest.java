package dev.restora.core.nn.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.PaddingMode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QuantSpikeTest {
    @Test
    void spike() {
        int[][] cases = {{128, 128, 3, 64}, {256, 256, 3, 32}, {128, 128, 1, 64}, {64, 64, 3, 128}};
        for (int[] c : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                int cin = c[0], cout = c[1], k = c[2], hw = c[3];
                NDArray w = m.randomNormal(new Shape(cout, cin, k, k)).mul(1.0 / Math.sqrt(cin * k * k));
                NDArray b = m.randomNormal(new Shape(cout)).mul(0.1);
                NDArray x = m.randomNormal(new Shape(1, cin, hw, hw));
                NDArray scales = w.abs().reshape(cout, -1).max(new int[] {1}).div(127.0);
                Conv2dLayer f = new Conv2dLayer(w, b, 1, k / 2, 1, 1, PaddingMode.ZEROS);
                QuantHelper q = QuantHelper.get();
                IValue p = q.prepack(w, scales, b, 1, k / 2, 1, 1);
                NDArray ref = f.forward(x);
                double xmax = x.abs().max().getFloat();
                double ymax = ref.abs().max().getFloat();
                double inS = 2 * xmax / 255.0, outS = 2 * ymax / 255.0;
                NDArray y = q.conv(p, x, inS, 128, outS, 128);
                double err = y.sub(ref).pow(2).mean().getFloat() / ref.pow(2).mean().getFloat();
                int rounds = 7;
                double[] tf = new double[rounds], tq = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray xs = dev.restora.core.nn.MemoryFormat.channelsLast(x.duplicate()); xs.attach(s);
                        long t0 = System.nanoTime();
                        f.forward(xs).toFloatArray().clone();
                        long t1 = System.nanoTime();
                        q.conv(p, xs, inS, 128, outS, 128).toFloatArray().clone();
                        long t2 = System.nanoTime();
                        tf[r] = (t1 - t0) / 1e6; tq[r] = (t2 - t1) / 1e6;
                    }
                }
                Arrays.sort(tf); Arrays.sort(tq);
                System.out.printf("SPIKE %s: f32 %.2f ms int8 %.2f ms speedup %.2f relerr %.4f shape %s%n",
                        Arrays.toString(c), tf[rounds / 2], tq[rounds / 2], tf[rounds / 2] / tq[rounds / 2],
                        Math.sqrt(err), y.getShape());
                p.close();
            }
        }
    }
}
