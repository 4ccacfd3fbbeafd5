package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.diffusion.DiffusionLoop;
import dev.restora.core.diffusion.PreviewPolicy;
import dev.restora.core.diffusion.SeededNoise;
import dev.restora.core.diffusion.Stage;
import dev.restora.core.diffusion.StepListener;
import dev.restora.core.image.ImageBuffer;
import dev.restora.core.nn.Precision;
import dev.restora.core.nn.quant.Deviation;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.ParameterValues;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.RunContext;
import dev.restora.resshift.diffusion.ResShiftSampler;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.unet.UNetModelSwin;
import dev.restora.resshift.vq.VQConfig;
import dev.restora.resshift.vq.VQModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The opt-in half-precision mode (autocast semantics, {@link Precision}) on the public fixture checkpoints, on the
 * CPU: close to float32 but really different, float16 convolution weights made once, float32 the default, the
 * parameter listed and labelled, bad values refused, and several tiles at once still matching one at a time.
 */
class HalfPrecisionTest {

    private static float[] run(PipelineFeaturesTest.Loaded l, ImageBuffer img, Map<String, Object> params) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return ((Media.Image) l.pipeline().run(Media.of(img), PipelineParityTest.context(scope,
                    l.provider().descriptor(), params, new SeededNoise(5), StepListener.NONE, new CancellationToken(),
                    PreviewPolicy.OFF))).image().rgb();
        }
    }

    /** PSNR of two images in [0, 1]. */

    private static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static Map<String, Object> params(ImageBuffer img, String precision) {
        Map<String, Object> p = new HashMap<>();
        p.put(ResShiftProvider.TILE_SIZE, Math.max(img.width(), img.height()));
        if (precision != null) {
            p.put(ResShiftProvider.PRECISION, precision);
        }
        return p;
    }

    /** The sampler's final latent (what the decoder quantizes) for one precision, as the pipeline computes it. */
    private static float[][] latentAndDecoded(ResShiftModel m, ImageBuffer img, NDArray mask, NDManager scope,
                                              PipelineFeaturesTest.Loaded l) {
        NDArray lq = scope.create(img.rgb(), new Shape(1, 3, img.height(), img.width())).sub(0.5f).div(0.5f);
        NDArray padded = m.pad(lq);
        NDArray zY = m.encode(m.encoderInput(padded));
        ResShiftSampler sampler = m.sampler(zY, padded, mask == null ? null : m.pad(mask), false);
        RunContext ctx = PipelineParityTest.context(scope, l.provider().descriptor(), Map.of(), new SeededNoise(5),
                StepListener.NONE, new CancellationToken(), PreviewPolicy.OFF);
        NDArray z = new DiffusionLoop(ctx, null, null).run(sampler, m.denoiser(), scope, new Stage(0, 1, ""))
                .output();
        NDArray image = m.autoencoder().decode(z, false).clip(-1f, 1f).mul(0.5f).add(0.5f);
        return new float[][] {z.toFloatArray(), image.toFloatArray()};
    }

    private static double relToMaxAbs(float[] a, float[] ref) {
        double m = 0;
        for (float v : ref) {
            m = Math.max(m, Math.abs(v));
        }
        return maxAbs(a, ref) / m;
    }

    /**
     * Every untiled pipeline case of the fixtures (x4 SR, padded SR, inpainting, face restoration with VQ-f8):
     * float32 is the default, float16 really differs, and it stays close to float32 where closeness is
     * well-defined: the sampled latent, and its decoding. The decoder's quantization then picks the nearest of the
     * fixtures' codes, which are dense (1024 codes in 3-D): a latent moved by float16 rounding lands on a
     * neighbouring code at many positions, and these small untrained decoders turn that into visible differences,
     * so the final images are only compared loosely (and reported).
     */
    @Test
    void halfIsCloseToFloat32ButReallyHalf() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        int cases = 0;
        for (JsonObject c : fx.cases("pipeline")) {
            if (!c.getAsJsonObject("intermediates").has("steps")) {
                continue;
            }
            cases++;
            try (NDManager weights = NDManager.newBaseManager()) {
                FixtureModels.Setup s = FixtureModels.setup(fx, c);
                ResShiftProvider provider = new ResShiftProvider(List.of(s.variant()));
                PipelineFeaturesTest.Loaded l = new PipelineFeaturesTest.Loaded(provider, provider.create(
                        new PipelineContext(s.variant().option(), Device.cpu(), weights, s.resolver())), s, c, fx);
                ImageBuffer img = PipelineFeaturesTest.input(l);
                Map<String, Object> p = params(img, null);
                if (c.getAsJsonObject("inputs").has("mask_png")) {
                    p.put(ResShiftProvider.MASK, fx.file(c.getAsJsonObject("inputs").get("mask_png").getAsString())
                            .toString());
                }
                float[] byDefault = run(l, img, p);
                p.put(ResShiftProvider.PRECISION, "float32");
                float[] full = run(l, img, p);
                assertArrayEquals(full, byDefault, "float32 is the default");
                p.put(ResShiftProvider.PRECISION, "float16");
                float[] half = run(l, img, p);

                ResShiftPipeline pipeline = (ResShiftPipeline) l.pipeline();
                ResShiftModel halfModel = pipeline.model(Precision.FLOAT16);
                float[][] ref;
                float[][] approx;
                try (NDManager scope = NDManager.newBaseManager()) {
                    NDArray mask = p.containsKey(ResShiftProvider.MASK) ? ResShiftPipeline.readMask(
                            ParameterValues.of(provider.descriptor().parameters(), p), img, scope) : null;
                    ref = latentAndDecoded(pipeline.model(), img, mask, scope, l);
                    approx = latentAndDecoded(halfModel, img, mask, scope, l);
                }
                double latentErr = relToMaxAbs(approx[0], ref[0]);
                double decodedPsnr = Deviation.psnr(ref[1], approx[1], 1.0);
                double psnr = Deviation.psnr(full, half, 1.0);
                System.out.printf("%s %dx%d, float16 vs float32: sampled latent max |difference| %.2g of its max "
                                + "|value|, its decoding (no quantization) PSNR %.1f dB, final image PSNR %.1f dB "
                                + "(max |difference| %.3g)%n", ParityFixtures.str(c, "name"), img.width(),
                        img.height(), latentErr, decodedPsnr, psnr, maxAbs(full, half));
                assertTrue(maxAbs(full, half) > 0, "float16 must really change the computation");
                assertTrue(latentErr > 0 && latentErr < 0.05, "sampled latent off by " + latentErr);
                assertTrue(decodedPsnr > 33, "decoded latent: PSNR " + decodedPsnr + " dB");
                assertTrue(psnr > 18, "final image: PSNR " + psnr + " dB");

                assertSame(halfModel, pipeline.model(Precision.FLOAT16), "the half instance is built once");
                assertEquals(Precision.FLOAT16, halfModel.unet().precision(), "float16 UNet convolution weights");
                assertEquals(Precision.FLOAT16, halfModel.autoencoder().precision(), "float16 VQ convolution weights");
                assertEquals(Precision.FLOAT32, pipeline.model().unet().precision(), "the float32 instance stays");
                assertEquals(Precision.FLOAT32, pipeline.model().autoencoder().precision());
                // a second half run reuses the same weights and gives the same result
                assertArrayEquals(half, run(l, img, p));
            }
        }
        assertTrue(cases >= 3, "fixture pipeline cases: " + cases);
    }

    /**
     * Several tiles at once (the GPU batch path, forced here on the CPU) run in half precision too. Batch and single
     * runs differ by float16 rounding inside the kernels (not by more, see {@link #networksInHalfAreCloseToFloat32}),
     * which the decoder's quantization can turn into another code, so both are compared with float32 as above.
     */
    @Test
    void severalTilesAtOnceRunInHalf() {
        try (NDManager weights = NDManager.newBaseManager()) {
            PipelineFeaturesTest.Loaded l = PipelineFeaturesTest.load(weights, false);
            int off = l.setup().variant().paddingOffset();
            ImageBuffer img = PipelineFeaturesTest.resized(PipelineFeaturesTest.input(l), 2 * off + off / 4, off);
            Map<String, Object> p = new HashMap<>(Map.of(ResShiftProvider.TILE_SIZE, off,
                    ResShiftProvider.TILE_OVERLAP, 0, ResShiftProvider.PRECISION, "float16"));
            p.put(ResShiftProvider.TILE_BATCH, 1);
            float[] single = run(l, img, p);
            p.put(ResShiftProvider.TILE_BATCH, 2);
            float[] batched = run(l, img, p);
            p.put(ResShiftProvider.PRECISION, "float32");
            float[] full = run(l, img, p);
            System.out.printf("float16, 3 tiles 2 at a time vs 1 at a time: PSNR %.1f dB; vs float32: %.1f dB and "
                    + "%.1f dB%n", Deviation.psnr(single, batched, 1.0), Deviation.psnr(full, batched, 1.0), Deviation.psnr(full, single, 1.0));
            assertEquals(full.length, batched.length);
            assertTrue(Deviation.psnr(full, batched, 1.0) > 18 && Deviation.psnr(full, single, 1.0) > 18);
            assertNotEquals(0.0, maxAbs(full, batched));
        }
    }

    private static NDArray twice(NDArray x) {
        return x == null ? null : x.concat(x, 0);
    }

    /**
     * Each network alone on the fixtures' single-forward inputs: float16 within 1 % of float32 (of the output's
     * largest magnitude), and a batch of two equal to one at a time within float16 rounding.
     */
    @Test
    void networksInHalfAreCloseToFloat32() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        int checked = 0;
        for (JsonObject c : fx.cases(null)) {
            if (!c.has("checkpoint")) {
                continue;
            }
            JsonObject cp = fx.checkpoint(ParityFixtures.str(c, "checkpoint"));
            String cls = ParityFixtures.str(cp, "class");
            JsonObject in = c.getAsJsonObject("inputs");
            String name = ParityFixtures.str(c, "name");
            try (NDManager w = NDManager.newBaseManager(); NDManager run = w.newSubManager()) {
                StateDict sd = FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), w);
                if (cls.endsWith("UNetModelSwin")) {
                    UNetConfig uc = UNetConfig.fromJson(cp.getAsJsonObject("params"));
                    UNetModelSwin full = UNetModelSwin.load(sd, uc, w);
                    UNetModelSwin half = UNetModelSwin.load(sd.inHalfPrecision(), uc, w);
                    NDArray x = fx.load(run, in.get("x"));
                    NDArray t = fx.load(run, in.get("timesteps"));
                    NDArray lq = in.has("lq") ? fx.load(run, in.get("lq")) : null;
                    NDArray mask = in.has("mask") ? fx.load(run, in.get("mask")) : null;
                    float[] ref = full.forward(x, t, lq, mask, null).toFloatArray();
                    NDArray out = half.forward(x, t, lq, mask, null);
                    assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, out.getDataType(), "float32 out");
                    float[] approx = out.toFloatArray();
                    float[] pair = half.forward(twice(x), twice(t), twice(lq), twice(mask), null).toFloatArray();
                    double err = relToMaxAbs(approx, ref);
                    double batchErr = relToMaxAbs(java.util.Arrays.copyOf(pair, approx.length), approx);
                    System.out.printf("%s: UNet float16 vs float32 %.2g of max |out|; batch of 2 vs 1 %.2g%n", name,
                            err, batchErr);
                    assertTrue(err > 0 && err < 0.01, name + ": " + err);
                    assertTrue(batchErr < 0.01, name + " batch: " + batchErr);
                    checked++;
                } else if (cls.endsWith("VQModelTorch") && in.has("image")) {
                    VQConfig vc = VQConfig.fromJson(cp.getAsJsonObject("params"));
                    VQModel full = VQModel.load(sd, vc);
                    VQModel half = VQModel.load(sd.inHalfPrecision(), vc);
                    NDArray image = fx.load(run, in.get("image"));
                    NDArray z = full.encode(image);
                    double encErr = relToMaxAbs(half.encode(image).toFloatArray(), z.toFloatArray());
                    NDArray idx = full.quantizer().indices(z);
                    long flips = idx.neq(half.quantizer().indices(z)).sum().getLong();
                    NDArray zq = full.quantizer().lookup(z, idx);
                    double decErr = relToMaxAbs(half.decodeQuantized(zq).toFloatArray(),
                            full.decodeQuantized(zq).toFloatArray());
                    System.out.printf("%s: VQ float16 vs float32: encode %.2g, decode of the same codes %.2g of max "
                            + "|out|; nearest code changed by the float16 z.e at %d of %d positions%n", name, encErr,
                            decErr, flips, idx.size());
                    assertTrue(encErr > 0 && encErr < 0.01, name + " encode: " + encErr);
                    assertTrue(decErr > 0 && decErr < 0.01, name + " decode: " + decErr);
                    assertTrue(flips < idx.size() / 20, name + " code changes: " + flips);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 5, "network cases checked: " + checked);
    }

    @Test
    void theParameterIsListedLabelledAndChecked() {
        ParameterSpec<?> spec = new ResShiftProvider().descriptor().parameters().stream()
                .filter(s -> s.id().equals(ResShiftProvider.PRECISION)).findFirst().orElseThrow();
        ParameterSpec.ChoiceSpec choice = (ParameterSpec.ChoiceSpec) spec;
        assertEquals("float32", choice.defaultValue(), "never half by default");
        assertEquals(List.of("float32", "float16"), choice.choices());
        assertTrue(choice.description().contains("APPROXIMATE"), choice.description());
        assertTrue(choice.description().contains("autocast"), choice.description());
        assertTrue(choice.description().contains("GPU"), choice.description());
        assertEquals("float32", ParameterValues.defaults(ResShiftProvider.parameters())
                .getString(ResShiftProvider.PRECISION));
        for (String bad : new String[] {"bfloat16", "half", "fp16", "float64"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> choice.parse(bad));
            assertEquals("precision must be one of [float32, float16], got " + bad, e.getMessage());
        }
        assertEquals(Precision.FLOAT16, Precision.parse("float16"));
        assertEquals("precision must be float32 or float16, got 'bfloat16'",
                assertThrows(IllegalArgumentException.class, () -> Precision.parse("bfloat16")).getMessage());
    }
}
