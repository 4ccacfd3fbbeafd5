package dev.restora.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.EngineSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GroupNorm against torch.nn.GroupNorm. */
class GroupNormTest {

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @Test
    void float32WithAffine() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm gn = new GroupNorm(4, 1e-6, NnReference.load(m, "groupnorm_f32", "weight"),
                    NnReference.load(m, "groupnorm_f32", "bias"));
            NnReference.assertClose("groupnorm_f32", gn.forward(NnReference.load(m, "groupnorm_f32", "x")),
                    NnReference.load(m, "groupnorm_f32", "y"), 2e-5);
        }
    }

    @Test
    void withoutAffineOnThreeDimensions() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm gn = new GroupNorm(2, 1e-5, null, null);
            NnReference.assertClose("groupnorm_noaffine_3d", gn.forward(NnReference.load(m, "groupnorm_noaffine_3d",
                    "x")), NnReference.load(m, "groupnorm_noaffine_3d", "y"), 2e-5);
        }
    }

    @Test
    void float16InputIsComputedInFloat32AndReturnedAsFloat16() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = NnReference.load(m, "groupnorm_f16", "x");
            assertEquals(DataType.FLOAT16, x.getDataType());
            GroupNorm gn = new GroupNorm(4, 1e-6, NnReference.load(m, "groupnorm_f16", "weight"),
                    NnReference.load(m, "groupnorm_f16", "bias"));
            NDArray y = gn.forward(x);
            assertEquals(DataType.FLOAT16, y.getDataType());
            NDArray ref = NnReference.load(m, "groupnorm_f16", "y");
            // both rounded to float16 from (nearly) the same float32 values: at most one float16 step apart
            // (values here are below 8 in magnitude, where a float16 step is at most 2^-8 * 4 = 0.0039)
            NnReference.assertClose("groupnorm_f16", y.toType(DataType.FLOAT32, false),
                    ref.toType(DataType.FLOAT32, false), 0.0039);
            long exact = y.toType(DataType.FLOAT32, false).eq(ref.toType(DataType.FLOAT32, false))
                    .toType(DataType.INT32, false).sum().toType(DataType.INT64, false).getLong();
            System.out.println("groupnorm_f16: " + exact + " of " + y.size() + " values bit-identical");
            // computing the statistics in float16 would be far off for these inputs (mean 20, std 4)
            assertEquals(y.size(), exact, y.size() / 50.0);
        }
    }

    @Test
    void channelsMustSplitIntoGroups() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 1e-6, m.ones(new Shape(6)),
                    m.zeros(new Shape(6))));
        }
    }
}
