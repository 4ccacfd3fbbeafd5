package dev.restora.esrgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.nn.NearestUpsampleConv;
import dev.restora.core.tfjs.TfjsModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network of a TF.js layers model built from its topology graph over a closed set of layer kinds: InputLayer,
 * Conv2D ({@link TfConv2d}), Activation relu, Concatenate (channels), Add, UpSampling2D nearest, and the UpscalerJS
 * packages' custom layers MultiplyBeta (x * 0.2, the residual scaling of ESRGAN's RRDB) and PixelShuffle{s}x
 * ({@link PixelShuffle}). Any other kind, or another setting of these, is refused by name at load.
 *
 * <p>Runs on N x C x H x W (the Keras graph is NHWC; axis 3 = channels becomes axis 1). The forward pass visits the
 * layers in the file's order (Keras writes them topologically; checked at load) and closes each intermediate as soon
 * as its last consumer has run, so a tile holds only the live activations. A nearest UpSampling2D followed by a 3x3
 * {@code same} convolution runs as one sub-pixel convolution ({@link NearestUpsampleConv}): the upsampling is not
 * run unless something else reads it.
 */
final class GraphNetwork {
    /** The custom layer's constant: {@code MultiplyBeta.call = x * BETA} with {@code BETA = 0.2}. */
    static final float BETA = 0.2f;
    private static final Pattern PIXEL_SHUFFLE = Pattern.compile("PixelShuffle(\\d+)x");

    /** One node of the graph. */
    private record Node(String name, String kind, int[] inputs, Op op) {
    }

    @FunctionalInterface
    private interface Op {
        NDArray apply(NDArray[] in);
    }

    private final List<Node> nodes;
    /** Whether a node's output is needed for the network's output (an upsampling fused into its convolution is not). */
    private final boolean[] live;
    private final int[] consumers;
    private final int output;
    private final long inChannels;
    private final long outChannels;
    private final int scale;

    private GraphNetwork(List<Node> nodes, int output, long inChannels, long outChannels, int scale) {
        this.nodes = nodes;
        this.output = output;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.scale = scale;
        this.live = new boolean[nodes.size()];
        this.consumers = new int[nodes.size()];
        live[output] = true;
        live[0] = true;
        for (int n = nodes.size() - 1; n >= 0; n--) {
            if (live[n]) {
                for (int i : nodes.get(n).inputs()) {
                    live[i] = true;
                    consumers[i]++;
                }
            }
        }
    }

    /** Builds the network, its weights converted into {@code weights}. */
    static GraphNetwork build(TfjsModel model, NDManager weights) {
        try {
            return buildChecked(model, weights);
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException | ClassCastException
                 | NullPointerException e) {
            // a config value of another type than Keras writes, or a missing one
            throw new RestoraException(model.source() + ": malformed layer config (" + e + ")", e);
        }
    }

    private static GraphNetwork buildChecked(TfjsModel model, NDManager weights) {
        String src = model.source();
        if (model.inputLayers().size() != 1 || model.outputLayers().size() != 1) {
            throw new RestoraException(src + ": the model has " + model.inputLayers().size() + " inputs and "
                    + model.outputLayers().size() + " outputs; one of each is supported");
        }
        Map<String, Integer> index = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<Long> channels = new ArrayList<>();
        List<Integer> scales = new ArrayList<>();
        Map<Integer, Integer> upsampling = new HashMap<>();
        long inCh = -1;
        for (TfjsModel.Layer l : model.layers()) {
            String where = src + ": layer '" + l.name() + "' (" + l.className() + ")";
            int[] in = new int[l.inbound().size()];
            long[] inChs = new long[in.length];
            int s = 1;
            for (int i = 0; i < in.length; i++) {
                Integer j = index.get(l.inbound().get(i));
                if (j == null) {
                    throw new RestoraException(where + " uses '" + l.inbound().get(i) + "' before it is defined");
                }
                in[i] = j;
                inChs[i] = channels.get(j);
                s = Math.max(s, scales.get(j));
            }
            var c = l.config();
            long ch;
            Op op;
            String kind = l.className();
            Matcher ps = PIXEL_SHUFFLE.matcher(kind);
            switch (kind) {
                case "InputLayer" -> {
                    var shape = c.getAsJsonArray("batch_input_shape");
                    if (shape == null || shape.size() != 4 || shape.get(3).isJsonNull()) {
                        throw new RestoraException(where + ": batch_input_shape " + shape
                                + " is not [batch, height, width, channels]");
                    }
                    ch = shape.get(3).getAsLong();
                    inCh = ch;
                    op = null;
                }
                case "Conv2D" -> {
                    arity(where, in, 1);
                    TfConv2d conv = TfConv2d.load(model, l, inChs[0], weights);
                    ch = conv.outChannels();
                    Node up = nodes.get(in[0]);
                    Integer factor = upsampling.get(in[0]);
                    NearestUpsampleConv fused = factor != null ? conv.afterNearest(factor) : null;
                    if (fused != null) {
                        // reads the upsampling's input; the upsampling itself is left unused (not run)
                        in = up.inputs().clone();
                        op = x -> fused.forward(x[0]);
                    } else {
                        op = x -> conv.forward(x[0]);
                    }
                }
                case "Activation" -> {
                    arity(where, in, 1);
                    String a = c.has("activation") ? c.get("activation").getAsString() : "?";
                    if (!a.equals("relu")) {
                        throw new RestoraException(where + ": activation '" + a + "' is not supported (only relu)");
                    }
                    ch = inChs[0];
                    op = x -> ai.djl.nn.Activation.relu(x[0]);
                }
                case "Concatenate" -> {
                    int axis = c.has("axis") ? c.get("axis").getAsInt() : -1;
                    if (axis != 3 && axis != -1) {
                        throw new RestoraException(where + ": concatenation along axis " + axis
                                + " is not supported (only channels, axis 3 / -1)");
                    }
                    ch = 0;
                    for (long v : inChs) {
                        ch += v;
                    }
                    op = x -> NDArrays.concat(new NDList(x), 1);
                }
                case "Add" -> {
                    if (in.length < 2) {
                        throw new RestoraException(where + " has " + in.length + " inputs; Add needs at least two");
                    }
                    for (long v : inChs) {
                        if (v != inChs[0]) {
                            throw new RestoraException(where + " adds tensors of " + java.util.Arrays.toString(inChs)
                                    + " channels");
                        }
                    }
                    ch = inChs[0];
                    op = x -> {
                        NDArray sum = x[0].add(x[1]);
                        for (int i = 2; i < x.length; i++) {
                            sum.addi(x[i]);
                        }
                        return sum;
                    };
                }
                case "UpSampling2D" -> {
                    arity(where, in, 1);
                    String interp = c.has("interpolation") ? c.get("interpolation").getAsString() : "nearest";
                    var size = c.getAsJsonArray("size");
                    if (!interp.equals("nearest") || size == null || size.size() != 2
                            || size.get(0).getAsInt() != size.get(1).getAsInt() || size.get(0).getAsInt() < 1) {
                        throw new RestoraException(where + ": interpolation '" + interp + "', size " + size
                                + " is not supported (nearest, equal integer factors)");
                    }
                    int f = size.get(0).getAsInt();
                    ch = inChs[0];
                    s *= f;
                    op = x -> x[0].repeat(2, f).repeat(3, f);
                    upsampling.put(nodes.size(), f);
                }
                case "MultiplyBeta" -> {
                    arity(where, in, 1);
                    if (c.has("beta") && Math.abs(c.get("beta").getAsDouble() - BETA) > 1e-7) {
                        throw new RestoraException(where + ": beta " + c.get("beta")
                                + " differs from the packages' constant 0.2");
                    }
                    ch = inChs[0];
                    op = x -> x[0].mul(BETA);
                }
                default -> {
                    if (!ps.matches()) {
                        throw new RestoraException(where + ": layer kind '" + kind + "' is not supported (known: "
                                + "InputLayer, Conv2D, Activation, Concatenate, Add, UpSampling2D, MultiplyBeta,"
                                + " PixelShuffle{s}x)");
                    }
                    arity(where, in, 1);
                    int f = Integer.parseInt(ps.group(1));
                    if (c.has("scale") && c.get("scale").getAsInt() != f) {
                        throw new RestoraException(where + ": scale " + c.get("scale") + " disagrees with the kind");
                    }
                    if (f < 1 || inChs[0] % ((long) f * f) != 0) {
                        throw new RestoraException(where + ": " + inChs[0] + " channels cannot be shuffled by " + f);
                    }
                    ch = inChs[0] / ((long) f * f);
                    s *= f;
                    op = x -> PixelShuffle.depthToSpace(x[0], f);
                }
            }
            if (kind.equals("InputLayer") != (in.length == 0)) {
                throw new RestoraException(where + (in.length == 0 ? " has no input" : " must not have inputs"));
            }
            index.put(l.name(), nodes.size());
            nodes.add(new Node(l.name(), kind, in, op));
            channels.add(ch);
            scales.add(s);
        }
        Integer input = index.get(model.inputLayers().get(0));
        Integer output = index.get(model.outputLayers().get(0));
        if (input == null || output == null || !nodes.get(input).kind().equals("InputLayer")) {
            throw new RestoraException(src + ": the input or output layer is not in the graph");
        }
        long inputs = nodes.stream().filter(n -> n.kind().equals("InputLayer")).count();
        if (inputs != 1 || input != 0) {
            throw new RestoraException(src + ": the graph must start with its single input layer");
        }
        return new GraphNetwork(nodes, output, inCh, channels.get(output), scales.get(output));
    }

    private static void arity(String where, int[] in, int n) {
        if (in.length != n) {
            throw new RestoraException(where + " has " + in.length + " inputs, expected " + n);
        }
    }

    long inChannels() {
        return inChannels;
    }

    long outChannels() {
        return outChannels;
    }

    /** Output size over input size. */
    int scale() {
        return scale;
    }

    NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /**
     * The output for a 1 x C x H x W input in the network's range; {@code tap} sees every computed layer's output
     * (name, array) before it may be closed, e.g. to compare an intermediate in a parity test (an upsampling fused
     * into its convolution is not computed). Intermediates are closed when their last consumer ran; the input and
     * the output stay.
     */
    NDArray forward(NDArray x, BiConsumer<String, NDArray> tap) {
        NDArray[] values = new NDArray[nodes.size()];
        int[] left = consumers.clone();
        values[0] = x;
        for (int n = 1; n < nodes.size(); n++) {
            if (!live[n]) {
                continue;
            }
            Node node = nodes.get(n);
            NDArray[] in = new NDArray[node.inputs().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = values[node.inputs()[i]];
            }
            values[n] = node.op().apply(in);
            if (tap != null) {
                tap.accept(node.name(), values[n]);
            }
            for (int i : node.inputs()) {
                if (--left[i] == 0 && i != 0 && i != output) {
                    values[i].close();
                    values[i] = null;
                }
            }
        }
        return values[output];
    }
}
