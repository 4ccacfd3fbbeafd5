package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A forward pass must not add arrays to the weights' long-lived manager (DJL attaches a result to its first
 * operand's manager; a {@code weight.reshape(...)} per call would leak one array per call for the life of the model).
 */
class BlocksKeepWeightsManagerCleanTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    private static void check(String what, NDManager weights, Function<NDManager, NDArray> forward) {
        int before = weights.getManagedArrays().size();
        try (NDManager scope = weights.getParentManager().newSubManager()) {
            for (int i = 0; i < 3; i++) {
                NDArray y = forward.apply(scope);
                assertEquals(scope, y.getManager(), what + ": the result belongs to the input's scope");
            }
        }
        assertEquals(before, weights.getManagedArrays().size(), what + " added arrays to the weights' manager");
    }

    @Test
    void everyBlockLeavesTheWeightsManagerAlone() {
        try (NDManager base = NDManager.newBaseManager(); NDManager w = base.newSubManager()) {
            Conv2dLayer conv = new Conv2dLayer(w.randomNormal(new Shape(4, 2, 3, 3)), w.zeros(new Shape(4)), 1, 1, 1, 2,
                    PaddingMode.ZEROS);
            for (PaddingMode mode : PaddingMode.values()) {
                check("conv " + mode, w, s -> conv.withPaddingMode(mode).forward(s.ones(new Shape(1, 4, 6, 6))));
            }
            GroupNorm gn = new GroupNorm(2, 1e-6, w.ones(new Shape(4)), w.zeros(new Shape(4)));
            check("group norm 4-D", w, s -> gn.forward(s.randomNormal(new Shape(2, 4, 3, 3))));
            check("group norm 3-D", w, s -> gn.forward(s.randomNormal(new Shape(2, 4, 5))));
            LinearLayer lin = new LinearLayer(w.ones(new Shape(3, 4)), w.zeros(new Shape(3)));
            check("linear", w, s -> lin.forward(s.ones(new Shape(2, 4))));
            NDArray fourierW = w.randomNormal(new Shape(8));
            check("gaussian fourier", w, s -> Embeddings.gaussianFourier(s.create(new float[] {0.1f, 0.5f}),
                    fourierW));
            check("sinusoidal", w, s -> Embeddings.sinusoidal(s.create(new float[] {1, 2}), 9, 10000));
            NDArray bias = w.zeros(new Shape(1, 5, 5));
            check("attention", w, s -> Attention.scaledDotProduct(s.ones(new Shape(2, 5, 4)),
                    s.ones(new Shape(2, 5, 4)), s.ones(new Shape(2, 5, 4)), 0.5, bias));
            check("resize", w, s -> Resize.bicubic(s.ones(new Shape(1, 1, 4, 4)), 3));
            check("silu/gelu", w, s -> Activations.gelu(Activations.silu(s.ones(new Shape(3)))));
        }
    }
}
