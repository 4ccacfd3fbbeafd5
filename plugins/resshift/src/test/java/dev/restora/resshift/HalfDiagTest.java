package dev.restora.resshift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.unet.UNetModelSwin;
import dev.restora.resshift.vq.VQConfig;
import dev.restora.resshift.vq.VQModel;
import org.junit.jupiter.api.Test;

class HalfDiagTest {
    static double rel(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat() / b.abs().max().getFloat();
    }

    @Test
    void diag() {
        ParityFixtures fx = ParityFixtures.family("resshift");
        for (JsonObject c : fx.cases(null)) {
            if (!c.has("checkpoint")) continue;
            JsonObject cp = fx.checkpoint(ParityFixtures.str(c, "checkpoint"));
            String cls = ParityFixtures.str(cp, "class");
            JsonObject in = c.getAsJsonObject("inputs");
            try (NDManager w = NDManager.newBaseManager(); NDManager run = w.newSubManager()) {
                StateDict sd = FixtureWeights.stateDict(fx.file(ParityFixtures.str(cp, "file")), w);
                if (cls.endsWith("UNetModelSwin")) {
                    UNetConfig uc = UNetConfig.fromJson(cp.getAsJsonObject("params"));
                    UNetModelSwin a = UNetModelSwin.load(sd, uc, w);
                    UNetModelSwin b = UNetModelSwin.load(sd.inHalfPrecision(), uc, w);
                    NDArray x = fx.load(run, in.get("x"));
                    NDArray t = fx.load(run, in.get("timesteps"));
                    NDArray lq = in.has("lq") ? fx.load(run, in.get("lq")) : null;
                    NDArray mask = in.has("mask") ? fx.load(run, in.get("mask")) : null;
                    NDArray oa = a.forward(x, t, lq, mask, null);
                    NDArray ob = b.forward(x, t, lq, mask, null);
                    System.out.printf("DIAG %s unet: rel %.3g dtype %s%n", ParityFixtures.str(c, "name"), rel(ob, oa), ob.getDataType());
                } else if (cls.endsWith("VQModelTorch") && in.has("image")) {
                    VQConfig vc = VQConfig.fromJson(cp.getAsJsonObject("params"));
                    VQModel a = VQModel.load(sd, vc);
                    VQModel b = VQModel.load(sd.inHalfPrecision(), vc);
                    NDArray img = fx.load(run, in.get("image"));
                    NDArray za = a.encode(img);
                    NDArray zb = b.encode(img);
                    NDArray ia = a.quantizer().indices(za);
                    NDArray ib = b.quantizer().indices(za);
                    long flips = ia.neq(ib).sum().getLong();
                    NDArray da = a.decode(za, false);
                    NDArray db = b.decode(za, false);
                    NDArray qa = a.decode(za, true);
                    NDArray qb = b.decodeQuantized(a.quantizer().lookup(za, ia));
                    System.out.printf("DIAG %s vq: enc rel %.3g, code flips %d/%d, dec(noquant) rel %.3g, dec(same codes) rel %.3g%n",
                            ParityFixtures.str(c, "name"), rel(zb, za), flips, ia.size(), rel(db, da), rel(qb, qa));
                }
            }
        }
    }
}
