package dev.restora.core.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Conv2dLayer;
import dev.restora.core.nn.PaddingMode;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * A fresh JVM started by {@link RuntimeSwitchTest}: starts the engine as the app does (the data folder's selected
 * runtime, or the bundled one), prints where libtorch came from, the notices, and the SHA-256 of a small conv net's
 * output. With {@code halt} it stops dead after the runtime was applied and before the engine loaded, as a native
 * crash while loading would.
 */
public final class RuntimeSwitchChild {
    private RuntimeSwitchChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("halt")) {
            EngineSetup.configure();
            System.out.println("APPLIED=" + EngineSetup.current().runtime().map(NativeRuntime::folder).orElse(null));
            System.out.flush();
            Runtime.getRuntime().halt(9);
        }
        EngineSetup.start();
        System.out.println("LIBTORCH=" + RuntimeProbe.libtorchPath());
        for (String n : EngineSetup.drainNotices()) {
            System.out.println("NOTICE=" + n);
        }
        Random r = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(floats(r, 2 * 3 * 48 * 48), new Shape(2, 3, 48, 48));
            NDArray w1 = m.create(floats(r, 16 * 3 * 3 * 3), new Shape(16, 3, 3, 3)).mul(0.3f);
            NDArray b1 = m.create(floats(r, 16), new Shape(16));
            NDArray w2 = m.create(floats(r, 8 * 16 * 3 * 3), new Shape(8, 16, 3, 3)).mul(0.1f);
            NDArray b2 = m.create(floats(r, 8), new Shape(8));
            NDArray h = Activations.silu(new Conv2dLayer(w1, b1, 1, 1, 1, 1, PaddingMode.ZEROS).forward(x));
            h = Activations.gelu(new Conv2dLayer(w2, b2, 2, 1, 1, 1, PaddingMode.ZEROS).forward(h)).tanh();
            NDArray y = h.matMul(h.transpose(0, 1, 3, 2)).mean(new int[] {1});
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(y.toByteArray());
            System.out.println("SHAPE=" + y.getShape());
            System.out.println("HASH=" + HexFormat.of().formatHex(md.digest()));
        }
    }

    private static float[] floats(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }
}
