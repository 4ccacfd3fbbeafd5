package dev.restora.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.RestoraException;
import dev.restora.core.engine.EngineSetup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SeededNoise statistics and reproducibility; RecordedNoise order and errors. */
class NoiseTest {
    private NDManager m;

    @BeforeAll
    static void engine() {
        EngineSetup.configure();
    }

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void sameSeedSameNoiseDifferentSeedDifferentNoise() {
        float[] a = new SeededNoise(11).normal(m, new Shape(3, 5, 7)).toFloatArray();
        SeededNoise again = new SeededNoise(11);
        float[] b = again.normal(m, new Shape(3, 5, 7)).toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, new SeededNoise(12).normal(m, new Shape(3, 5, 7)).toFloatArray()));
        // successive draws differ; an odd count is fine
        assertFalse(java.util.Arrays.equals(b, again.normal(m, new Shape(3, 5, 7)).toFloatArray()));
        NDArray odd = again.normal(m, new Shape(1));
        assertEquals(DataType.FLOAT32, odd.getDataType());
        assertEquals(11, again.seed());
    }

    @Test
    void meanVarianceAndTailsOfAStandardNormal() {
        int n = 1_000_000;
        float[] x = new SeededNoise(2026).normal(m, new Shape(n)).toFloatArray();
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        int within1 = 0;
        int beyond3 = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
            within1 += Math.abs(v) < 1 ? 1 : 0;
            beyond3 += Math.abs(v) > 3 ? 1 : 0;
        }
        var /= n - 1;
        System.out.printf("seeded noise, %d draws: mean %.5f, var %.5f, P(|x|<1) %.5f, P(|x|>3) %.6f%n", n, mean, var,
                within1 / (double) n, beyond3 / (double) n);
        assertEquals(0, mean, 5 / Math.sqrt(n));
        assertEquals(1, var, 5 * Math.sqrt(2.0 / n));
        assertEquals(0.682689, within1 / (double) n, 5 * Math.sqrt(0.6827 * 0.3173 / n));
        assertEquals(0.0026998, beyond3 / (double) n, 5 * Math.sqrt(0.0027 / n));
    }

    @Test
    void forksAreReproducibleIndependentOfOrderAndUncorrelated() {
        SeededNoise root = new SeededNoise(5);
        float[] f3 = root.fork(3).normal(m, new Shape(50_000)).toFloatArray();
        float[] f1 = root.fork(1).normal(m, new Shape(50_000)).toFloatArray();
        // the parent's own draws do not shift the forks
        root.normal(m, new Shape(1000));
        assertArrayEquals(f3, root.fork(3).normal(m, new Shape(50_000)).toFloatArray());
        assertArrayEquals(f1, new SeededNoise(5).fork(1).normal(m, new Shape(50_000)).toFloatArray());
        float[] parent = new SeededNoise(5).normal(m, new Shape(50_000)).toFloatArray();
        float[] otherSeed = new SeededNoise(6).fork(3).normal(m, new Shape(50_000)).toFloatArray();
        double bound = 5 / Math.sqrt(50_000);
        assertEquals(0, correlation(f1, f3), bound);
        assertEquals(0, correlation(f1, parent), bound);
        assertEquals(0, correlation(f3, parent), bound);
        assertEquals(0, correlation(f3, otherSeed), bound);
        assertFalse(java.util.Arrays.equals(f3, otherSeed));
    }

    private static double correlation(float[] a, float[] b) {
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += a[i] * b[i];
            saa += a[i] * a[i];
            sbb += b[i] * b[i];
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void recordedNoiseReplaysInOrder(@TempDir Path dir) throws IOException {
        Path a = npy(dir.resolve("noise_0.npy"), new Shape(2, 3), new float[] {1, 2, 3, 4, 5, 6});
        Path b = npyF64(dir.resolve("noise_1_f64.npy"), new Shape(3), new double[] {0.5, -0.25, 1e-3});
        RecordedNoise noise = new RecordedNoise(List.of(a, b));
        assertEquals(2, noise.remaining());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, noise.normal(m, new Shape(2, 3)).toFloatArray());
        NDArray second = noise.normal(m, new Shape(3));
        assertEquals(DataType.FLOAT32, second.getDataType(), "float64 recordings come back as float32");
        assertArrayEquals(new float[] {0.5f, -0.25f, 1e-3f}, second.toFloatArray());
        assertEquals(0, noise.remaining());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> noise.normal(m, new Shape(4)));
        assertTrue(e.getMessage().contains("exhausted") && e.getMessage().contains("(4)"), e.getMessage());
    }

    @Test
    void recordedNoiseShapeMismatchIsAnErrorNamingBoth(@TempDir Path dir) throws IOException {
        Path a = npy(dir.resolve("noise_0.npy"), new Shape(2, 3), new float[6]);
        RecordedNoise noise = new RecordedNoise(List.of(a));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> noise.normal(m, new Shape(3, 2)));
        assertEquals("recorded noise noise_0.npy has shape (2, 3) but the sampler drew (3, 2)", e.getMessage());
        RecordedNoise missing = new RecordedNoise(List.of(dir.resolve("nope.npy")));
        RestoraException r = assertThrows(RestoraException.class, () -> missing.normal(m, new Shape(1)));
        assertTrue(r.getMessage().contains("nope.npy"), r.getMessage());
    }

    static Path npy(Path file, Shape shape, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            buf.putFloat(v);
        }
        return write(file, "<f4", shape, buf.array());
    }

    static Path npyF64(Path file, Shape shape, double[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            buf.putDouble(v);
        }
        return write(file, "<f8", shape, buf.array());
    }

    /** A NumPy .npy version 1.0 file. */
    private static Path write(Path file, String descr, Shape shape, byte[] body) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape.getShape()) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.dimension() == 1 ? "(" + shape.get(0) + ",)"
                : "(" + dims.substring(0, dims.length() - 2) + ")";
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xff);
            out.write(header.length() >> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
        }
        return file;
    }
}
