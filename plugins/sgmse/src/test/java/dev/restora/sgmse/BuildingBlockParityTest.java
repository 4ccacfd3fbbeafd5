package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.sgmse.nn.FirDownsample;
import dev.restora.sgmse.nn.FirUpsample;
import dev.restora.sgmse.nn.UpFirDn2d;
import dev.restora.sgmse.sde.OuveSde;
import dev.restora.sgmse.sde.SbveSde;
import dev.restora.sgmse.sde.TimeGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * FIR resampling and the SDEs against every {@code building_block} case, dispatched by the arrays a case holds
 * (never by its name, {@link BlockKind}); a case of no known block fails, one per block is a dynamic test. SDE parameters come from the case's settings, else from the manifest's first checkpoint
 * of that SDE.
 */
class BuildingBlockParityTest {
    private static final Pattern UPFIRDN = Pattern.compile("upfirdn2d_up(\\d+)(?:_down(\\d+))?_pad(\\d+)_(\\d+)");

    @TestFactory
    Stream<DynamicTest> buildingBlocks() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : new String[] {"sgmse", "storm"}) {
            tests.addAll(ParityCases.family(family, "FIR or SDE building-block case", fx -> {
                List<DynamicTest> own = new ArrayList<>();
                for (JsonObject c : fx.cases("building_block")) {
                    String name = family + "/" + c.get("name").getAsString();
                    switch (BlockKind.of(c)) {
                        case FIR -> own.add(DynamicTest.dynamicTest(name, () -> run(fx, c, BuildingBlockParityTest::fir)));
                        case OUVE_SDE -> own.add(DynamicTest.dynamicTest(name, () -> run(fx, c, BuildingBlockParityTest::ouve)));
                        case SBVE_SDE -> own.add(DynamicTest.dynamicTest(name, () -> run(fx, c, BuildingBlockParityTest::sbve)));
                        case STFT, FOURIER_EMBEDDING -> {
                            // run by SignalParityTest and NetworkParityTest
                        }
                    }
                }
                return own;
            }));
        }
        return tests.stream();
    }

    private interface Block {
        void check(ParityFixtures fx, JsonObject c, NDManager m);
    }

    private static void run(ParityFixtures fx, JsonObject c, Block block) {
        try (NDManager m = NDManager.newBaseManager()) {
            block.check(fx, c, m);
        }
    }

    private static void fir(ParityFixtures fx, JsonObject c, NDManager m) {
        String name = c.get("name").getAsString();
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        NDArray x = fx.load(m, c.getAsJsonObject("inputs").get("x"));
        if (out.has("kernel_2d")) {
            Check.within(name + " kernel", m.create(UpFirDn2d.kernel2d(1), new Shape(4, 4)),
                    fx.load(m, out.get("kernel_2d")), tol);
        }
        if (out.has("upsample_2d")) {
            Check.within(name + " up", FirUpsample.forward(x), fx.load(m, out.get("upsample_2d")), tol);
            // the upfirdn form with gain 4 is the same operation
            Check.within(name + " up (upfirdn form)", UpFirDn2d.apply(x, UpFirDn2d.kernel2d(4), 2, 1, 2, 1),
                    fx.load(m, out.get("upsample_2d")), tol);
        }
        if (out.has("downsample_2d")) {
            Check.within(name + " down", FirDownsample.forward(x), fx.load(m, out.get("downsample_2d")), tol);
            Check.within(name + " down (upfirdn form)", UpFirDn2d.apply(x, UpFirDn2d.kernel2d(1), 1, 2, 1, 1),
                    fx.load(m, out.get("downsample_2d")), tol);
        }
        for (Map.Entry<String, JsonElement> e : out.entrySet()) {
            Matcher mt = UPFIRDN.matcher(e.getKey());
            if (mt.matches()) {
                int up = Integer.parseInt(mt.group(1));
                int down = mt.group(2) == null ? 1 : Integer.parseInt(mt.group(2));
                NDArray y = UpFirDn2d.apply(x, UpFirDn2d.kernel2d(1), up, down, Integer.parseInt(mt.group(3)),
                        Integer.parseInt(mt.group(4)));
                Check.within(name + " " + e.getKey(), y, fx.load(m, e.getValue()), tol);
            }
        }
    }

    private static JsonObject sdeSettings(ParityFixtures fx, JsonObject c, String sde) {
        JsonObject s = c.getAsJsonObject("settings");
        if (s != null && s.has("sde") && s.get("sde").isJsonObject()) {
            return s.getAsJsonObject("sde");
        }
        if (s != null && (s.has("theta") || s.has("k"))) {
            return s;
        }
        for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
            JsonObject hp = e.getAsJsonObject().getAsJsonObject("hyper_parameters");
            String kind = hp.has("sde") ? hp.get("sde").getAsString() : "ouve";
            if (kind.equals(sde)) {
                return hp;
            }
        }
        throw new AssertionError("no " + sde + " parameters for " + c.get("name"));
    }

    private static double tEps(ParityFixtures fx, JsonObject c) {
        JsonObject s = c.getAsJsonObject("settings");
        if (s != null && s.has("t_eps")) {
            return s.get("t_eps").getAsDouble();
        }
        JsonObject hp = sdeSettings(fx, c, "ouve");
        return hp.has("t_eps") ? hp.get("t_eps").getAsDouble() : 0.03;
    }

    /** Per-item scalars broadcast over {@code [B, ...]}. */
    private static NDArray perItem(NDManager m, double[] v, Shape like) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        long[] shape = new long[like.dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = v.length;
        return m.create(f, new Shape(shape));
    }

    private static void ouve(ParityFixtures fx, JsonObject c, NDManager m) {
        String name = c.get("name").getAsString();
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        JsonObject p = sdeSettings(fx, c, "ouve");
        OuveSde sde = new OuveSde(p.get("theta").getAsDouble(), p.get("sigma_min").getAsDouble(),
                p.get("sigma_max").getAsDouble());
        float[] t = fx.load(m, in.get("t")).toFloatArray();
        NDArray x0 = fx.load(m, in.get("x0"));
        NDArray y = fx.load(m, in.get("y"));
        double[] decay = new double[t.length];
        double[] std = new double[t.length];
        double[] g = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            decay[i] = sde.meanDecay(t[i]);
            std[i] = sde.std(t[i]);
            g[i] = sde.diffusion(t[i]);
        }
        NDArray d = perItem(m, decay, x0.getShape());
        NDArray mean = x0.mul(d).add(y.mul(d.neg().add(1)));
        Check.within(name + " mean", mean, fx.load(m, out.get("mean")), tol);
        Check.within(name + " std", perItem(m, std, new Shape(t.length)), fx.load(m, out.get("std")), tol);
        if (out.has("std_f64")) {
            Check.within(name + " std_f64", perItem(m, std, new Shape(t.length)).toType(
                    ai.djl.ndarray.types.DataType.FLOAT64, false), fx.load(m, out.get("std_f64")), tol);
        }
        if (out.has("drift")) {
            Check.within(name + " drift", sde.drift(x0, y), fx.load(m, out.get("drift")), tol);
        }
        if (out.has("diffusion")) {
            Check.within(name + " diffusion", perItem(m, g, new Shape(t.length)),
                    fx.load(m, out.get("diffusion")), tol);
        }
        if (out.has("f") || out.has("G")) {
            // StoRM's discretisation: dt = 1/N
            double dt = 1.0 / in.get("N").getAsInt();
            Check.within(name + " f", sde.drift(x0, y).mul(dt), fx.load(m, out.get("f")), tol);
            double[] big = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                big[i] = g[i] * Math.sqrt(dt);
            }
            Check.within(name + " G", perItem(m, big, new Shape(t.length)), fx.load(m, out.get("G")), tol);
        }
        double eps = tEps(fx, c);
        int grids = 0;
        for (Map.Entry<String, JsonElement> e : out.entrySet()) {
            if (e.getKey().startsWith("timesteps")) {
                NDArray ref = fx.load(m, e.getValue());
                float[] grid = TimeGrid.linspace(1f, (float) eps, (int) ref.getShape().get(0));
                Check.within(name + " " + e.getKey(), m.create(grid), ref, tol);
                grids++;
            }
        }
        assertTrue(grids > 0 || out.has("f"), name + ": nothing checked for the time grid");
    }

    private static void sbve(ParityFixtures fx, JsonObject c, NDManager m) {
        String name = c.get("name").getAsString();
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        JsonObject p = sdeSettings(fx, c, "sbve");
        SbveSde sde = new SbveSde(p.get("k").getAsDouble(), p.get("c").getAsDouble(),
                p.has("eps") ? p.get("eps").getAsDouble() : 1e-8);
        float[] t = fx.load(m, in.get("t")).toFloatArray();
        NDArray x0 = fx.load(m, in.get("x0"));
        NDArray y = fx.load(m, in.get("y"));
        int n = t.length;
        double[] sig = new double[n];
        double[] bar = new double[n];
        double[] std = new double[n];
        double[] g = new double[n];
        double[] ab = new double[n];
        double[] wx = new double[n];
        double[] wy = new double[n];
        double d = sde.sigmaT() * sde.sigmaT() + sde.eps();
        for (int i = 0; i < n; i++) {
            sig[i] = sde.sigma(t[i]);
            bar[i] = sde.sigmaBar(t[i]);
            std[i] = sde.std(t[i]);
            g[i] = sde.diffusion(t[i]);
            ab[i] = sde.alphaBar();
            wx[i] = bar[i] * bar[i] / d;
            wy[i] = sig[i] * sig[i] / d;
        }
        Shape s1 = new Shape(n);
        Check.within(name + " sigma_t", perItem(m, sig, s1), fx.load(m, out.get("sigma_t")), tol);
        Check.within(name + " sigma_bar_t", perItem(m, bar, s1), fx.load(m, out.get("sigma_bar_t")), tol);
        Check.within(name + " std", perItem(m, std, s1), fx.load(m, out.get("std")), tol);
        Check.within(name + " diffusion", perItem(m, g, s1), fx.load(m, out.get("diffusion")), tol);
        if (out.has("alpha_bar_t")) {
            Check.within(name + " alpha_bar_t", perItem(m, ab, s1), fx.load(m, out.get("alpha_bar_t")), tol);
        }
        if (out.has("sigma_T")) {
            NDArray ref = fx.load(m, out.get("sigma_T"));
            assertEquals(ref.toFloatArray()[0], sde.sigmaT(), tol.get("abs").getAsDouble(), name + " sigma_T");
        }
        NDArray mean = x0.mul(perItem(m, wx, x0.getShape())).add(y.mul(perItem(m, wy, y.getShape())));
        Check.within(name + " mean", mean, fx.load(m, out.get("mean")), tol);
        for (Map.Entry<String, JsonElement> e : out.entrySet()) {
            if (e.getKey().startsWith("timesteps")) {
                NDArray ref = fx.load(m, e.getValue());
                float[] grid = TimeGrid.linspace(1f, 1e-4f, (int) ref.getShape().get(0));
                Check.within(name + " " + e.getKey(), m.create(grid), ref, tol);
            }
        }
    }

    @Test
    void specTestVectors() {
        OuveSde o = new OuveSde(1.5, 0.05, 0.5);
        assertEquals(0.01883010, o.std(0.03), 1e-8);
        assertEquals(0.38898266, o.std(1), 1e-8);
        assertEquals(1.07298301, o.diffusion(1), 1e-8);
        OuveSde ears = new OuveSde(2.0, 0.1, 1.0);
        assertEquals(0.73148148, ears.std(1), 1e-8);
        SbveSde sb = new SbveSde(2.6, 0.4, 1e-8);
        assertEquals(1.09801505, sb.sigmaT(), 1e-8);
        assertEquals(0.49180446, sb.std(0.5), 1e-8);
        float[] grid = TimeGrid.linspace(1f, 0.03f, 30);
        assertEquals(0.9665517, grid[1], 1e-7);
        assertEquals(0.03f, grid[29]);
    }

    @Test
    void firMatchesTheSpecExamples() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            float[] up = FirUpsample.forward(x).toFloatArray();
            float[] expected = {0.5625f, 0.9375f, 1.3125f, 1.125f, 1.125f, 1.75f, 2.25f, 1.875f,
                1.875f, 2.75f, 3.25f, 2.625f, 1.6875f, 2.4375f, 2.8125f, 2.25f};
            for (int i = 0; i < 16; i++) {
                assertEquals(expected[i], up[i], 1e-6);
            }
            float[] down = FirDownsample.forward(m.arange(16f).reshape(1, 1, 4, 4)).toFloatArray();
            assertEquals(2.734375f, down[0], 1e-6);
            assertEquals(8.75f, down[3], 1e-6);
        }
    }
}
