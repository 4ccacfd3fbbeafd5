package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.parity.Tolerance;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.unet.UNetModelSwin;
import dev.restora.resshift.vq.VQConfig;
import dev.restora.resshift.vq.VQModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case that names one checkpoint (single_forward, and building blocks with a checkpoint), dispatched by the
 * checkpoint's class in the manifest: UNetModelSwin forwards (with lq, and mask when the case has one) and
 * VQModelTorch encode / quantize / decode, compared with the manifest tolerances.
 */
class NetworkParityTest {

    @TestFactory
    Stream<DynamicTest> networks() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject c : fx.cases(null)) {
            if ("pipeline".equals(ParityFixtures.str(c, "kind")) || !c.has("checkpoint")
                    && !"single_forward".equals(ParityFixtures.str(c, "kind"))) {
                continue;
            }
            if (!c.has("checkpoint")) {
                throw ParityCases.unsupported(c, "a network forward names no checkpoint");
            }
            JsonObject cp = fx.checkpoint(ParityFixtures.str(c, "checkpoint"));
            String name = ParityFixtures.str(c, "name");
            if (cp == null) {
                throw new AssertionError(name + ": checkpoint " + ParityFixtures.str(c, "checkpoint") + " not in manifest");
            }
            String cls = ParityFixtures.str(cp, "class");
            if (cls.endsWith("UNetModelSwin")) {
                tests.add(DynamicTest.dynamicTest(name, () -> unet(fx, c, cp)));
            } else if (cls.endsWith("VQModelTorch")) {
                tests.add(DynamicTest.dynamicTest(name, () -> autoencoder(fx, c, cp)));
            } else {
                throw new AssertionError(name + ": unknown model class " + cls);
            }
        }
        return ParityCases.nonEmpty("resshift network case (single_forward, or a building_block with a checkpoint)", tests);
    }

    static UNetModelSwin loadUNet(ParityFixtures fx, JsonObject cp, NDManager weights) {
        StateDict sd = FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), weights);
        UNetModelSwin net = UNetModelSwin.load(sd, UNetConfig.fromJson(cp.getAsJsonObject("params")), weights);
        if (cp.has("num_parameters")) {
            assertEquals(cp.get("num_parameters").getAsLong(), net.parameterCount(), "parameter count");
        }
        return net;
    }

    static VQModel loadVQ(ParityFixtures fx, JsonObject cp, NDManager weights) {
        StateDict sd = FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), weights);
        VQModel vq = VQModel.load(sd, VQConfig.fromJson(cp.getAsJsonObject("params")));
        if (cp.has("num_parameters")) {
            assertEquals(cp.get("num_parameters").getAsLong(), vq.parameterCount(), "parameter count");
        }
        return vq;
    }

    private static void unet(ParityFixtures fx, JsonObject c, JsonObject cp) {
        JsonObject in = c.getAsJsonObject("inputs");
        try (NDManager weights = NDManager.newBaseManager(); NDManager run = weights.newSubManager()) {
            UNetModelSwin net = loadUNet(fx, cp, weights);
            NDArray x = fx.load(run, in.get("x"));
            NDArray t = fx.load(run, in.get("timesteps"));
            NDArray lq = in.has("lq") ? fx.load(run, in.get("lq")) : null;
            NDArray mask = in.has("mask") ? fx.load(run, in.get("mask")) : null;
            NDArray out = net.forward(x, t, lq, mask, null);
            NDArray expected = fx.load(run, c.getAsJsonObject("outputs").get("out"));
            double err = Tolerance.assertRelToMaxAbs("out", out, expected,
                    c.getAsJsonObject("tolerance").get("rel_to_max_abs").getAsDouble());
            System.out.printf("%s: rel err %.3g%n", ParityFixtures.str(c, "name"), err);
        }
    }

    private static void autoencoder(ParityFixtures fx, JsonObject c, JsonObject cp) {
        JsonObject in = c.getAsJsonObject("inputs");
        JsonObject out = c.getAsJsonObject("outputs");
        JsonObject tol = c.getAsJsonObject("tolerance");
        String[] marginName = new String[1];
        double[] threshold = BuildingBlockParityTest.marginRule(tol, marginName);
        try (NDManager weights = NDManager.newBaseManager(); NDManager run = weights.newSubManager()) {
            VQModel vq = loadVQ(fx, cp, weights);
            NDArray image = fx.load(run, in.get("image"));
            NDArray z = vq.encode(image);
            int checked = 0;
            for (String key : new String[] {"latent", "z"}) {
                if (out.has(key)) {
                    Tolerance.assertWithin(key, z, fx.load(run, out.get(key)), tol);
                    checked++;
                }
            }
            // decode the reference latent, so the decoder is tested on its own input
            NDArray zRef = fx.load(run, out.has("z") ? out.get("z") : out.get("latent"));
            NDArray idx = vq.quantizer().indices(zRef);
            if (out.has("indices") && threshold != null) {
                NDArray expIdx = fx.load(run, out.get("indices"));
                int n = BuildingBlockParityTest.assertIndices("indices", idx.reshape(expIdx.getShape()), expIdx,
                        fx.load(run, out.get(marginName[0])), threshold[0]);
                assertTrue(n > 0, "no index above the margin threshold");
                checked++;
            }
            NDArray zq = vq.quantizer().lookup(zRef, idx);
            if (out.has("z_q")) {
                Tolerance.assertWithin("z_q", zq, fx.load(run, out.get("z_q")), tol);
                checked++;
            }
            if (out.has("decoded_no_quant")) {
                Tolerance.assertWithin("decoded_no_quant", vq.decode(zRef, false), fx.load(run, out.get("decoded_no_quant")), tol);
                checked++;
            }
            if (out.has("decoded")) {
                Tolerance.assertWithin("decoded", vq.decodeQuantized(zq), fx.load(run, out.get("decoded")), tol);
                // the mid attention chunked over queries (a budget of about 5 chunks) computes the same
                long n = zRef.getShape().get(2) * zRef.getShape().get(3);
                VQModel chunked = VQModel.load(FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), weights),
                        VQConfig.fromJson(cp.getAsJsonObject("params")), n * n / 5);
                Tolerance.assertWithin("decoded, chunked attention", chunked.decodeQuantized(zq),
                        fx.load(run, out.get("decoded")), tol);
                checked++;
            }
            assertTrue(checked >= 2, "autoencoder case with too few known outputs: " + out.keySet());
        }
    }
}
