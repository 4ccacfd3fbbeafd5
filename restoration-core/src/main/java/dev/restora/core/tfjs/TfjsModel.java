package dev.restora.core.tfjs;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow.js layers model as read by {@link TfjsModelReader}: the Keras functional topology as data (layers
 * with their config and inbound nodes, the model's input and output layers) and the float32 weights by name.
 * Nothing here is evaluated; a network builder decides what each layer kind means.
 *
 * @param source       where the model was read from, for messages
 * @param layers       the layers in the file's order
 * @param inputLayers  names of the model's input layers
 * @param outputLayers names of the model's output layers
 * @param weights      the weights by manifest name ({@code "conv/kernel"}), in manifest order
 */
public record TfjsModel(String source, List<Layer> layers, List<String> inputLayers, List<String> outputLayers,
                        Map<String, Weight> weights) {

    public TfjsModel {
        layers = List.copyOf(layers);
        inputLayers = List.copyOf(inputLayers);
        outputLayers = List.copyOf(outputLayers);
        weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weights));
    }

    /**
     * One layer.
     *
     * @param className the Keras class ({@code Conv2D}, {@code Add}, or a custom one)
     * @param name      the layer's unique name
     * @param config    its {@code config} object, as data
     * @param inbound   the layers feeding its (single) call, in order; empty for an input layer
     */
    public record Layer(String className, String name, JsonObject config, List<String> inbound) {
        public Layer {
            inbound = List.copyOf(inbound);
        }
    }

    /**
     * One float32 weight.
     *
     * @param shape  as in the manifest (Keras layouts: a Conv2D kernel is [kh, kw, in, out], "HWIO")
     * @param values row-major
     */
    public record Weight(String name, long[] shape, float[] values) {
        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /** The named weight, or null. */
    public Weight weight(String name) {
        return weights.get(name);
    }
}
