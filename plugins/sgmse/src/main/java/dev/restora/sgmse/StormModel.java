package dev.restora.sgmse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.restora.core.checkpoint.CheckpointException;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.diffusion.EncoderPropagation;
import dev.restora.sgmse.nn.NCSNpp;
import dev.restora.sgmse.nn.NcsnppConfig;
import dev.restora.sgmse.sampling.ScoreFunction;
import dev.restora.sgmse.sde.OuveSde;
import dev.restora.sgmse.signal.FramePadding;
import java.util.List;
import java.util.Locale;

/**
 * StoRM's {@code StochasticRegenerationModel} (spec §7): a predictive NCSN++ denoiser {@code Ŷ = D(Y)} (2 input
 * channels, no time input) and a score NCSN++ conditioned on {@code [Y, Ŷ]} (condition {@code both}), one
 * checkpoint holding both ({@code denoiser_net.*} then {@code score_net.*}, one EMA list, denoiser first).
 */
public final class StormModel implements ScoreFunction {
    public static final String DENOISER_PREFIX = "denoiser_net.";
    public static final String SCORE_PREFIX = "score_net.";

    /** What the score network is conditioned on (hparam {@code condition}). */
    public enum Condition { BOTH, NOISY, POST_DENOISER }

    private final NCSNpp denoiser;
    private final NCSNpp scoreNet;
    private final Condition condition;
    private final OuveSde sde;
    private final SpectralSettings spectral;
    private final double tEps;

    private StormModel(NCSNpp denoiser, NCSNpp scoreNet, Condition condition, OuveSde sde, SpectralSettings spectral,
                       double tEps) {
        this.denoiser = denoiser;
        this.scoreNet = scoreNet;
        this.condition = condition;
        this.sde = sde;
        this.spectral = spectral;
        this.tEps = tEps;
    }

    /** Whether the checkpoint holds a StoRM regeneration model. */
    public static boolean isStorm(LoadedCheckpoint ckpt) {
        return ckpt.hasPrefix(DENOISER_PREFIX) && ckpt.hasPrefix(SCORE_PREFIX);
    }

    public static StormModel load(LoadedCheckpoint ckpt, boolean rawWeights) {
        if (!isStorm(ckpt)) {
            throw new CheckpointException(ckpt.source() + ": not a StoRM checkpoint (no denoiser_net./score_net. "
                    + "weights); SGMSE+ checkpoints go to the SGMSE+ pipeline");
        }
        HyperParameters hp = ckpt.hparams();
        if (hp.integer("spatial_channels", 1) != 1) {
            throw new CheckpointException(ckpt.source() + ": multi-channel StoRM (spatial_channels "
                    + hp.integer("spatial_channels", 1) + ") is not supported");
        }
        Condition cond = switch (hp.string("condition", "both").toLowerCase(Locale.ROOT)) {
            case "both" -> Condition.BOTH;
            case "noisy" -> Condition.NOISY;
            case "post_denoiser" -> Condition.POST_DENOISER;
            default -> throw new CheckpointException(ckpt.source() + ": unsupported condition '"
                    + hp.string("condition", "") + "'");
        };
        int scoreChannels = cond == Condition.BOTH ? 6 : 4;
        List<String> prefixes = List.of(DENOISER_PREFIX, SCORE_PREFIX);
        StateDict sd = rawWeights ? ckpt.rawWeights(prefixes) : ckpt.inferenceWeights(prefixes);
        // cross-check the conditioning with the score network's first convolution (index 3 after GFP and the MLP)
        String probe = SCORE_PREFIX + "all_modules.3.weight";
        if (sd.has(probe) && sd.asMap().get(probe).getShape().get(1) != scoreChannels) {
            throw new CheckpointException(ckpt.source() + ": hparam condition '" + cond + "' needs " + scoreChannels
                    + " score-network input channels but " + probe + " has shape " + sd.asMap().get(probe).getShape());
        }
        NcsnppConfig dc = Backbones.storm(hp, hp.string("backbone_denoiser", "ncsnpp"), 2, true);
        NcsnppConfig sc = Backbones.storm(hp, hp.string("backbone_score", "ncsnpp"), scoreChannels, false);
        NCSNpp den = new NCSNpp(dc, sd.sub("denoiser_net"));
        NCSNpp score = new NCSNpp(sc, sd.sub("score_net"));
        sd.requireAllUsed();
        OuveSde sde = switch (hp.string("sde", "ouve").toLowerCase(Locale.ROOT)) {
            case "ouve" -> new OuveSde(hp.number("theta", 1.5), hp.number("sigma_min", 0.05), hp.number("sigma_max", 0.5));
            default -> throw new CheckpointException(ckpt.source() + ": StoRM with sde '" + hp.string("sde", "")
                    + "' is not supported (ouve)");
        };
        SpectralSettings spectral = SpectralSettings.from(hp, 16000, FramePadding.ZEROS, 0.33);
        return new StormModel(den, score, cond, sde, spectral, hp.number("t_eps", 0.03));
    }

    public OuveSde sde() {
        return sde;
    }

    public SpectralSettings spectral() {
        return spectral;
    }

    public double tEps() {
        return tEps;
    }

    public long denoiserParameters() {
        return denoiser.parameterCount();
    }

    public long scoreParameters() {
        return scoreNet.parameterCount();
    }

    public NCSNpp denoiserNetwork() {
        return denoiser;
    }

    public NCSNpp scoreNetwork() {
        return scoreNet;
    }

    /** The predictive estimate {@code Ŷ = D(Y)} (no sign flip, no time). */
    public NDArray denoise(NDArray y) {
        return denoiser.forward(y, null);
    }

    /** The score network's conditioning channels for noisy {@code Y} and estimate {@code Ŷ}. */
    public NDArray conditioning(NDArray y, NDArray estimate) {
        return switch (condition) {
            case BOTH -> NDArrays.concat(new NDList(y, estimate), 1);
            case NOISY -> y.duplicate();
            case POST_DENOISER -> estimate.duplicate();
        };
    }

    /** {@code s = -score_net(cat[x, condition], t)}. */
    @Override
    public NDArray score(NDArray x, NDArray conditioning, float[] t) {
        NDArray tArr = x.getManager().create(t);
        return scoreNet.forward(NDArrays.concat(new NDList(x, conditioning), 1), tArr).neg();
    }

    /**
     * The score with encoder propagation (approximate, {@link EncoderPropagation}): the score network's encoder
     * runs at the key steps of {@code propagation} only.
     */
    public ScoreFunction withEncoderPropagation(EncoderPropagation propagation) {
        return (x, conditioning, t) -> {
            propagation.beforeCall(t[0]);
            NDArray tArr = x.getManager().create(t);
            return scoreNet.forward(NDArrays.concat(new NDList(x, conditioning), 1), tArr, propagation).neg();
        };
    }
}
