package dev.restora.resshift.unet;

import ai.djl.ndarray.NDArray;
import dev.restora.core.checkpoint.StateDict;
import dev.restora.core.nn.Activations;
import dev.restora.core.nn.Conv2dLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * The LQ feature extractor of the lqfeat / inpainting / face configurations (spec §3.2): log2(lq_size /
 * image_size) stages of Conv3x3 (c_in to c_k), SiLU, Downsample (conv 3x3, stride 2, pad 1, c_k to 2 c_k), with
 * c_0 = 16 and c_k = 2 c_{k-1}. Keys {@code feature_extractor.{3k}} and {@code feature_extractor.{3k+2}.op}.
 */
final class LqFeatureExtractor {
    static final int BASE_CHANNELS = 16;

    private final List<Conv2dLayer> convs;
    private final List<Downsample> downs;
    private final long outChannels;

    private LqFeatureExtractor(List<Conv2dLayer> convs, List<Downsample> downs, long outChannels) {
        this.convs = List.copyOf(convs);
        this.downs = List.copyOf(downs);
        this.outChannels = outChannels;
    }

    static LqFeatureExtractor load(StateDict sd, int inChannels, int stages) {
        List<Conv2dLayer> convs = new ArrayList<>();
        List<Downsample> downs = new ArrayList<>();
        long cin = inChannels;
        long base = BASE_CHANNELS;
        for (int k = 0; k < stages; k++) {
            convs.add(Conv2dLayer.load(sd.sub(String.valueOf(3 * k)), cin, base, 3, 1, 1));
            downs.add(Downsample.load(sd.sub(String.valueOf(3 * k + 2)), base, 2 * base));
            base *= 2;
            cin = base;
        }
        return new LqFeatureExtractor(convs, downs, cin);
    }

    static long outChannels(int stages) {
        return (long) BASE_CHANNELS << stages;
    }

    long outChannels() {
        return outChannels;
    }

    NDArray forward(NDArray lq) {
        NDArray h = lq;
        for (int k = 0; k < convs.size(); k++) {
            h = downs.get(k).forward(Activations.silu(convs.get(k).forward(h)));
        }
        return h;
    }
}
