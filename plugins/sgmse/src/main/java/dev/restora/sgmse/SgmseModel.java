package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.sgmse.nn.NCSNpp;
import dev.restora.sgmse.nn.NcsnppConfig;
import dev.restora.sgmse.sampling.EstimateFunction;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.sgmse.sampling.ScoreFunction;
import dev.restora.sgmse.sde.OuveSde;
import dev.restora.sgmse.sde.SbveSde;
import dev.restora.sgmse.signal.FramePadding;
import java.util.List;
import java.util.Locale;

/**
 * SGMSE's {@code ScoreModel} as the enhancement scripts run it (spec §3): the backbone from hparam {@code backbone},
 * the SDE from hparam {@code sde} (OUVE or the Schrödinger bridge SBVE), the front end from the STFT hparams, and
 * the mapping of the backbone output to a score ({@code ncsnpp}, {@code ncsnpp_48k}: {@code s = -D};
 * {@code ncsnpp_v2}: c_in / network_scaling / c_skip / c_out by {@code loss_type}) or, for
 * {@code loss_type = data_prediction}, to a clean-speech estimate.
 */
public final class SgmseModel implements ScoreFunction, EstimateFunction {
    /** The state_dict prefix of SGMSE's backbone. */
    public static final String PREFIX = "dnn.";

    private final NCSNpp network;
    private final String backbone;
    private final SpectralSettings spectral;
    private final OuveSde ouve;
    private final SbveSde sbve;
    private final String lossType;
    private final String cIn;
    private final String cOut;
    private final String cSkip;
    private final String networkScaling;
    private final double sigmaData;
    private final int sbSteps;
    private final String sbSamplerType;

    private SgmseModel(NCSNpp network, String backbone, SpectralSettings spectral, OuveSde ouve, SbveSde sbve,
                       HyperParameters hp) {
        this.network = network;
        this.backbone = backbone;
        this.spectral = spectral;
        this.ouve = ouve;
        this.sbve = sbve;
        this.lossType = hp.string("loss_type", "score_matching").toLowerCase(Locale.ROOT);
        this.cIn = hp.string("c_in", "1");
        this.cOut = hp.string("c_out", "1");
        this.cSkip = hp.string("c_skip", "0");
        this.networkScaling = hp.has("network_scaling") ? hp.string("network_scaling", null) : null;
        this.sigmaData = hp.number("sigma_data", 0.1);
        this.sbSteps = hp.integer("N", 50);
        this.sbSamplerType = hp.string("sampler_type", "ode").toLowerCase(Locale.ROOT);
        if (!backbone.equals("ncsnpp_v2") && !lossType.equals("score_matching")) {
            throw new CheckpointException(hp.source() + ": loss_type '" + lossType + "' needs backbone ncsnpp_v2");
        }
        if (!List.of("score_matching", "denoiser", "data_prediction").contains(lossType)) {
            throw new CheckpointException(hp.source() + ": unsupported loss_type '" + lossType + "'");
        }
        if (backbone.equals("ncsnpp_v2")) {
            // its scalings are applied per call (spec §3): refuse an unknown one when the model loads, not mid-run
            requireOneOf(hp, "c_in", cIn, "1", "edm");
            requireOneOf(hp, "c_out", cOut, "1", "sigma", "1/sigma", "edm");
            requireOneOf(hp, "c_skip", cSkip, "0", "edm");
            if (networkScaling != null) {
                requireOneOf(hp, "network_scaling", networkScaling, "1/sigma", "1/t");
            }
        }
        if (sbve != null && !lossType.equals("data_prediction")) {
            throw new CheckpointException(hp.source() + ": the Schrödinger bridge needs loss_type data_prediction");
        }
    }

    private static void requireOneOf(HyperParameters hp, String key, String value, String... supported) {
        if (!List.of(supported).contains(value)) {
            throw new CheckpointException(hp.source() + ": unsupported " + key + " '" + value + "' (supported: "
                    + String.join(", ", supported) + ")");
        }
    }

    /** Builds the model from the checkpoint; {@code rawWeights} skips the EMA swap (only for diagnostics). */
    public static SgmseModel load(LoadedCheckpoint ckpt, boolean rawWeights) {
        HyperParameters hp = ckpt.hparams();
        String backbone = hp.string("backbone", "ncsnpp").toLowerCase(Locale.ROOT);
        NcsnppConfig config = Backbones.sgmse(hp);
        List<String> prefixes = List.of(PREFIX);
        StateDict sd = rawWeights ? ckpt.rawWeights(prefixes) : ckpt.inferenceWeights(prefixes);
        NCSNpp net = new NCSNpp(config, sd.sub("dnn"));
        sd.requireAllUsed();
        int rate = backbone.equals("ncsnpp_48k") ? 48000 : 16000;
        FramePadding padding = backbone.equals("ncsnpp") ? FramePadding.ZEROS : FramePadding.REFLECTION;
        SpectralSettings spectral = SpectralSettings.from(hp, rate, padding, 0.15);
        String sde = hp.string("sde", "ouve").toLowerCase(Locale.ROOT);
        OuveSde ouve = null;
        SbveSde sbve = null;
        switch (sde) {
            case "ouve" -> ouve = new OuveSde(hp.number("theta", 1.5), hp.number("sigma_min", 0.05),
                    hp.number("sigma_max", 0.5));
            case "sbve" -> sbve = new SbveSde(hp.number("k", 2.6), hp.number("c", 0.4), hp.number("eps", 1e-8));
            default -> throw new CheckpointException(ckpt.source() + ": unsupported sde '" + sde + "' (ouve, sbve)");
        }
        return new SgmseModel(net, backbone, spectral, ouve, sbve, hp);
    }

    public NCSNpp network() {
        return network;
    }

    public String backbone() {
        return backbone;
    }

    public SpectralSettings spectral() {
        return spectral;
    }

    /** The OUVE SDE, or null for a Schrödinger-bridge checkpoint. */
    public OuveSde ouve() {
        return ouve;
    }

    /** The SBVE SDE, or null for an OUVE checkpoint. */
    public SbveSde sbve() {
        return sbve;
    }

    public boolean isBridge() {
        return sbve != null;
    }

    /** The bridge's step count from hparam {@code N}. */
    public int bridgeSteps() {
        return sbSteps;
    }

    /** The bridge's sampler type from the hparams ("ode" or "sde"). */
    public String bridgeSamplerType() {
        return sbSamplerType;
    }

    public long parameterCount() {
        return network.parameterCount();
    }

    private double std(double t) {
        return ouve != null ? ouve.std(t) : sbve.std(t);
    }

    @Override
    public NDArray score(NDArray x, NDArray y, float[] t) {
        if (lossType.equals("data_prediction")) {
            throw new IllegalStateException("this checkpoint predicts clean speech (loss_type data_prediction), not a score");
        }
        return output(x, y, t);
    }

    @Override
    public NDArray estimate(NDArray x, NDArray y, float[] t) {
        if (!lossType.equals("data_prediction")) {
            throw new IllegalStateException("this checkpoint outputs a score, not a clean-speech estimate");
        }
        return output(x, y, t);
    }

    /**
     * This model's score with encoder propagation ({@link EncoderPropagation}, approximate): the network's encoder
     * runs at the key steps of {@code propagation} only.
     */
    public ScoreFunction withEncoderPropagation(EncoderPropagation propagation) {
        return (x, y, t) -> {
            if (lossType.equals("data_prediction")) {
                throw new IllegalStateException("this checkpoint predicts clean speech, not a score");
            }
            propagation.beforeCall(t[0]);
            return output(x, y, t, propagation);
        };
    }

    /** The bridge's clean-speech estimate with encoder propagation (see {@link #withEncoderPropagation}). */
    public EstimateFunction estimateWithEncoderPropagation(EncoderPropagation propagation) {
        return (x, y, t) -> {
            if (!lossType.equals("data_prediction")) {
                throw new IllegalStateException("this checkpoint outputs a score, not a clean-speech estimate");
            }
            propagation.beforeCall(t[0]);
            return output(x, y, t, propagation);
        };
    }

    /** The model output of spec §3 for state-layout x and y and per-item times. */
    public NDArray output(NDArray x, NDArray y, float[] t) {
        return output(x, y, t, null);
    }

    private NDArray output(NDArray x, NDArray y, float[] t, EncoderPropagation propagation) {
        NDArray tArr = x.getManager().create(t);
        if (!backbone.equals("ncsnpp_v2")) {
            return network.forward(NDArrays.concat(new NDList(x, y), 1), tArr, propagation).neg();
        }
        int b = t.length;
        double[] sigma = new double[b];
        for (int i = 0; i < b; i++) {
            sigma[i] = std(t[i]);
        }
        NDArray cin = perItem(x, sigma, s -> switch (cIn) {
            case "1" -> 1.0;
            case "edm" -> 1 / Math.sqrt(s * s + sigmaData * sigmaData);
            default -> throw new CheckpointException("unsupported c_in '" + cIn + "'");
        });
        // [c·x, c·y] as one product of the concatenation: x first, so it lives in the step's scope (y lives all run)
        NDArray f = network.forward(NDArrays.concat(new NDList(x, y), 1).mul(cin), tArr, propagation);
        if (networkScaling != null) {
            switch (networkScaling) {
                case "1/sigma" -> f = f.div(perItem(x, sigma, s -> s));
                case "1/t" -> f = f.div(tArr.reshape(-1, 1, 1, 1));
                default -> throw new CheckpointException("unsupported network_scaling '" + networkScaling + "'");
            }
        }
        if (lossType.equals("denoiser")) {
            return f.sub(x).div(perItem(x, sigma, s -> s * s));
        }
        NDArray out = f.mul(perItem(x, sigma, s -> switch (cOut) {
            case "1" -> 1.0;
            case "sigma" -> s;
            case "1/sigma" -> 1 / s;
            case "edm" -> s * sigmaData / Math.sqrt(sigmaData * sigmaData + s * s);
            default -> throw new CheckpointException("unsupported c_out '" + cOut + "'");
        }));
        if (!cSkip.equals("0")) {
            if (!cSkip.equals("edm")) {
                throw new CheckpointException("unsupported c_skip '" + cSkip + "'");
            }
            out = out.add(x.mul(perItem(x, sigma, s -> sigmaData * sigmaData / (s * s + sigmaData * sigmaData))));
        }
        return out;
    }

    /** Per-batch-item scalars {@code [B, 1, 1, 1]} in x's scope. */
    static NDArray perItem(NDArray x, double[] sigma, java.util.function.DoubleUnaryOperator f) {
        float[] v = new float[sigma.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) f.applyAsDouble(sigma[i]);
        }
        return x.getManager().create(v, new Shape(v.length, 1, 1, 1));
    }
}
