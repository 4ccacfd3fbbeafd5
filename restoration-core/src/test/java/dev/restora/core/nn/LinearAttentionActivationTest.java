package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.engine.EngineSetup;
import dev.restora.core.parity.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Linear, attention and the activations against PyTorch. */
class LinearAttentionActivationTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void linearWithAndWithoutBias() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearLayer l = new LinearLayer(NnReference.load(m, "linear", "weight"), NnReference.load(m, "linear", "bias"));
            assertEquals(7, l.outFeatures());
            NnReference.assertClose("linear", l.forward(NnReference.load(m, "linear", "x")),
                    NnReference.load(m, "linear", "y"), 1e-5);
            LinearLayer nb = new LinearLayer(NnReference.load(m, "linear_nobias", "weight"), null);
            NnReference.assertClose("linear_nobias", nb.forward(NnReference.load(m, "linear_nobias", "x")),
                    NnReference.load(m, "linear_nobias", "y"), 1e-5);
        }
    }

    @Test
    void scaledDotProductAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = NnReference.load(m, "attention", "q");
            NDArray k = NnReference.load(m, "attention", "k");
            NDArray v = NnReference.load(m, "attention", "v");
            double scale = 1 / Math.sqrt(8);
            NnReference.assertClose("attention", Attention.scaledDotProduct(q, k, v, scale, null),
                    NnReference.load(m, "attention", "y"), 1e-5);
            NnReference.assertClose("attention_bias", Attention.scaledDotProduct(q, k, v, scale,
                    NnReference.load(m, "attention_bias", "bias")), NnReference.load(m, "attention_bias", "y"), 1e-5);
        }
    }

    @Test
    void chunkedAttentionEqualsUnchunked() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = NnReference.load(m, "attention", "q");
            NDArray k = NnReference.load(m, "attention", "k");
            NDArray v = NnReference.load(m, "attention", "v");
            double scale = 1 / Math.sqrt(8);
            NDArray full = Attention.scaledDotProduct(q, k, v, scale, null);
            for (int chunk : new int[] {1, 3, 4, 9, 10, 64}) {
                NDArray c = Attention.chunked(q, k, v, scale, chunk);
                assertEquals(full.getShape(), c.getShape());
                double d = Tolerance.maxAbsDiff(c, full);
                assertEquals(0, d, 1e-6, "chunk " + chunk);
            }
            // 3-D input (no head axis), as a Swin window attention flattened over batch and heads
            NDArray q3 = q.reshape(8, 10, 8);
            NDArray k3 = k.reshape(8, 12, 8);
            NDArray v3 = v.reshape(8, 12, 6);
            assertEquals(0, Tolerance.maxAbsDiff(Attention.chunked(q3, k3, v3, scale, 4),
                    Attention.scaledDotProduct(q3, k3, v3, scale, null)), 1e-6);
        }
    }

    @Test
    void siluAndExactGelu() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = NnReference.load(m, "silu", "x");
            NnReference.assertClose("silu", Activations.silu(x), NnReference.load(m, "silu", "y"), 2e-6);
            NDArray g = Activations.gelu(NnReference.load(m, "gelu", "x"));
            NnReference.assertClose("gelu", g, NnReference.load(m, "gelu", "y"), 2e-6);
            // exact: 2 * Phi(2) = 1.9544997; the tanh approximation gives 1.9545977
            NDArray x2 = m.create(new float[] {2.0f});
            assertEquals(1.9544997f, Activations.gelu(x2).getFloat(0), 2e-6f);
        }
    }

    @Test
    void chunkedAttentionFreesEachChunksLogitsBeforeTheNext() {
        try (NDManager m = NDManager.newBaseManager(); NDManager scope = m.newSubManager()) {
            NDArray q = scope.randomNormal(new ai.djl.ndarray.types.Shape(1, 64, 8));
            NDArray k = scope.randomNormal(new ai.djl.ndarray.types.Shape(1, 32, 8));
            NDArray v = scope.randomNormal(new ai.djl.ndarray.types.Shape(1, 32, 8));
            int before = scope.getManagedArrays().size();
            NDArray out;
            System.setProperty(Attention.FUSED_PROPERTY, "false"); // the plain path chunks; the fused one needs not
            try {
                out = Attention.chunked(q, k, v, 0.35, 8);
            } finally {
                System.clearProperty(Attention.FUSED_PROPERTY);
            }
            int added = scope.getManagedArrays().size() - before;
            System.out.println("chunked attention, 8 chunks: " + added + " arrays left in the caller's scope");
            // k transposed, one output per chunk, the concatenation: nothing per chunk beyond its output
            assertEquals(1 + 8 + 1, added);
            assertEquals(scope, out.getManager());
            // fused: q, k, v viewed as rank 4, the kernel's output and its view back to rank 3
            before = scope.getManagedArrays().size();
            NDArray fused = Attention.chunked(q, k, v, 0.35, 8);
            assertEquals(3 + 1 + 1, scope.getManagedArrays().size() - before);
            assertEquals(scope, fused.getManager());
        }
    }
}
