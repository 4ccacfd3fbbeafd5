package dev.restora.sgmse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.sgmse.signal.ComplexSpectrogram;
import dev.restora.sgmse.signal.FramePadding;
import dev.restora.sgmse.signal.SpectralTransform;
import dev.restora.sgmse.signal.Stft;
import dev.restora.sgmse.signal.WindowType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** STFT, compression transform and inverse against every {@link BlockKind#STFT} building-block case. */
class SignalParityTest {

    @TestFactory
    Stream<DynamicTest> stftTransformCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : new String[] {"sgmse", "storm"}) {
            tests.addAll(ParityCases.family(family, "STFT building-block case", fx -> {
                List<DynamicTest> own = new ArrayList<>();
                for (JsonObject c : fx.cases("building_block")) {
                    if (BlockKind.of(c) == BlockKind.STFT) {
                        own.add(DynamicTest.dynamicTest(family + "/" + c.get("name").getAsString(), () -> check(fx, c)));
                    }
                }
                return own;
            }));
        }
        return tests.stream();
    }

    private static void check(ParityFixtures fx, JsonObject c) {
        String name = c.get("name").getAsString();
        JsonObject s = c.getAsJsonObject("settings");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        Stft stft = new Stft(s.get("n_fft").getAsInt(), s.get("hop_length").getAsInt(), WindowType.HANN);
        SpectralTransform tf = new SpectralTransform(
                SpectralTransform.parseType(s.has("transform_type") ? s.get("transform_type").getAsString() : "exponent"),
                s.get("spec_abs_exponent").getAsDouble(), s.get("spec_factor").getAsDouble());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray wave = fx.load(m, c.getAsJsonObject("inputs").get("waveform"));
            float[] x = wave.toFloatArray();
            if (out.has("window")) {
                NDArray w = fx.load(m, out.get("window"));
                Check.within(name + " window", m.create(stft.window()), w, tol);
            }
            ComplexSpectrogram spec = stft.forward(x);
            NDArray refStft = fx.load(m, out.get("stft"));
            Shape shape = refStft.getShape();
            Check.within(name + " stft", Complex.array(m, spec, shape), refStft, tol);
            ComplexSpectrogram t = tf.forward(spec);
            Check.within(name + " transformed", Complex.array(m, t, shape), fx.load(m, out.get("transformed")), tol);
            // the inverse starts from the reference's transformed spectrogram
            ComplexSpectrogram back = tf.inverse(Complex.spectrogram(fx.load(m, out.get("transformed"))));
            if (out.has("back_transformed")) {
                Check.within(name + " back_transformed", Complex.array(m, back, shape),
                        fx.load(m, out.get("back_transformed")), tol);
            }
            NDArray refRec = fx.load(m, out.get("reconstructed"));
            float[] rec = stft.inverse(back, x.length);
            Check.within(name + " reconstructed", m.create(rec, refRec.getShape()), refRec, tol);
        }
    }

    @Test
    void framingAndPaddingFollowTheSpec() {
        Stft s16 = new Stft(510, 128, WindowType.HANN);
        assertEquals(128, FramePadding.paddedFrames(s16.frames(16000), 64));
        assertEquals(97, s16.frames(12345));
        assertEquals(256, FramePadding.paddedFrames(s16.frames(32000), 64));
        assertEquals(126, new Stft(1534, 384, WindowType.HANN).frames(48000));
        float[] w = s16.window();
        assertEquals(3.79e-5, w[1], 1e-7);
        assertEquals(1.0, w[255], 1e-7);
        // reflection: padded frame T'+j = frame T'-2-j
        ComplexSpectrogram spec = new ComplexSpectrogram(1, 5, new float[] {0, 1, 2, 3, 4}, new float[5]);
        ComplexSpectrogram p = FramePadding.REFLECTION.pad(spec, 8);
        assertEquals(List.of(0f, 1f, 2f, 3f, 4f, 3f, 2f, 1f), toList(p.re()));
        assertEquals(List.of(0f, 1f, 2f, 3f, 4f, 0f, 0f, 0f), toList(FramePadding.ZEROS.pad(spec, 8).re()));
        // exponent transform of 3+4i (spec §8.6)
        ComplexSpectrogram z = new ComplexSpectrogram(1, 1, new float[] {3}, new float[] {4});
        ComplexSpectrogram t = new SpectralTransform(SpectralTransform.Type.EXPONENT, 0.667, 0.065).forward(z);
        assertEquals(0.11409789, t.re()[0], 1e-7);
        assertEquals(0.15213052, t.im()[0], 1e-7);
    }

    @Test
    void roundTripReproducesTheSignal() {
        Stft s = new Stft(510, 128, WindowType.HANN);
        float[] x = new float[3000];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] y = s.inverse(s.forward(x), x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], 1e-5, "sample " + i);
        }
    }

    private static List<Float> toList(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float v : a) {
            l.add(v);
        }
        return l;
    }
}
