package dev.restora.resshift;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.RestoraException;
import dev.restora.core.models.ModelResolver;
import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.vq.VQConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ResShiftVariant} for a parity pipeline case from the manifest alone: its checkpoints (the case's
 * {@code checkpoints}, else the manifest's first UNet and VQ model) with their constructor parameters, and the
 * case's diffusion settings. The task follows the fields: a mask input means inpainting, sf 1 without a mask face
 * restoration, otherwise super-resolution. Public for the app's end-to-end test (the plugin's test-jar).
 */
public final class FixtureModels {
    private FixtureModels() {
    }

    public record Setup(ResShiftVariant variant, ModelResolver resolver, JsonObject unetEntry, JsonObject vqEntry) {
    }

    /** The first untiled pipeline case with (or without) a mask; fails (skips when not required) without one. */
    public static JsonObject firstCase(ParityFixtures fx, boolean withMask) {
        for (JsonObject c : fx.cases("pipeline")) {
            if (c.getAsJsonObject("intermediates").has("steps") && c.getAsJsonObject("inputs").has("mask") == withMask) {
                return c;
            }
        }
        ParityCases.requireSome(0, "resshift pipeline case " + (withMask ? "with" : "without") + " a mask");
        throw new AssertionError("unreachable");
    }

    public static Setup setup(ParityFixtures fx, JsonObject c) {
        List<JsonObject> cps = new ArrayList<>();
        if (c.has("checkpoints")) {
            for (JsonElement e : c.getAsJsonArray("checkpoints")) {
                cps.add(fx.checkpoint(e.getAsString()));
            }
        } else {
            for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
                cps.add(e.getAsJsonObject());
            }
        }
        JsonObject unet = null;
        JsonObject vq = null;
        for (JsonObject cp : cps) {
            String cls = ParityFixtures.str(cp, "class");
            if (cls.endsWith("UNetModelSwin") && unet == null) {
                unet = cp;
            } else if (cls.endsWith("VQModelTorch") && vq == null) {
                vq = cp;
            }
        }
        if (unet == null || vq == null) {
            throw new AssertionError(ParityFixtures.str(c, "name") + ": needs a UNet and a VQ checkpoint");
        }
        JsonObject settings = c.getAsJsonObject("settings");
        JsonObject diff = settings.getAsJsonObject("diffusion");
        int sf = settings.has("sf") ? settings.get("sf").getAsInt() : diff.get("sf").getAsInt();
        boolean mask = c.getAsJsonObject("inputs").has("mask");
        Task task = mask ? Task.INPAINTING : sf == 1 ? Task.FACE_RESTORATION : Task.SUPER_RESOLUTION;
        ResShiftVariant base = ResShiftModels.variants().stream().filter(v -> v.task() == task).findFirst().orElseThrow();
        UNetConfig uc = UNetConfig.fromJson(unet.getAsJsonObject("params"));
        VQConfig vc = VQConfig.fromJson(vq.getAsJsonObject("params"));
        int offset = settings.has("padding_offset") ? settings.get("padding_offset").getAsInt() : uc.lqSize();
        ResShiftVariant v = base.withNetworks("fixture-" + ParityFixtures.str(c, "name"), uc, vc, "fixture-unet",
                "fixture-vq", offset).withSchedule(diff.get("steps").getAsInt(), diff.get("kappa").getAsDouble(),
                diff.get("min_noise_level").getAsDouble(),
                diff.getAsJsonObject("schedule_kwargs").get("power").getAsDouble(),
                diff.get("etas_end").getAsDouble(), sf);
        Path unetFile = fx.file(ParityFixtures.str(unet, "file"));
        Path vqFile = fx.file(ParityFixtures.str(vq, "file"));
        ModelResolver resolver = id -> switch (id) {
            case "fixture-unet" -> unetFile;
            case "fixture-vq" -> vqFile;
            default -> throw new RestoraException("no fixture file for catalog entry " + id);
        };
        return new Setup(v, resolver, unet, vq);
    }

    public static ResShiftModel load(Setup s, NDManager weights) {
        return ResShiftModel.load(s.variant(), FixtureWeights.stateDict(s.resolver().require("fixture-unet"), weights),
                FixtureWeights.stateDict(s.resolver().require("fixture-vq"), weights), weights);
    }

    /** The recorded noise files of a non-tiled case in draw order: the prior noise, then each step's. */
    static List<Path> noises(ParityFixtures fx, JsonObject inter) {
        List<Path> out = new ArrayList<>();
        for (String k : inter.keySet()) {
            if (k.startsWith("noise") && inter.get(k).isJsonObject()) {
                out.add(fx.file(ParityFixtures.str(inter.getAsJsonObject(k), "file")));
            }
        }
        if (out.size() != 1) {
            throw new AssertionError("expected exactly one prior noise entry, found " + out.size());
        }
        JsonArray steps = inter.getAsJsonArray("steps");
        for (JsonElement e : steps) {
            out.add(fx.file(ParityFixtures.str(e.getAsJsonObject().getAsJsonObject("noise"), "file")));
        }
        return out;
    }
}
