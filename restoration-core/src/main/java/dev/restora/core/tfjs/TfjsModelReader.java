package dev.restora.core.tfjs;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a TensorFlow.js layers model: {@code model.json} (format {@code layers-model}: a Keras functional
 * {@code modelTopology} and a {@code weightsManifest}) and its binary shards. The JSON is parsed with Gson into a
 * tree and read as data; nothing in it is evaluated.
 *
 * <p>Per the TF.js format, each manifest group's shards ({@code paths}) are one byte stream, concatenated in order,
 * holding the group's weights one after the other, little-endian. Only plain float32 weights are accepted: another
 * dtype, a {@code quantization} entry, a missing or short shard, shards holding more bytes than the weights need, a
 * weight listed twice, and a path leaving the model's folder are each refused with a {@link RestoraException} naming
 * the file and the problem.
 */
public final class TfjsModelReader {
    /** The manifest file's name inside the model's folder. */
    public static final String MODEL_JSON = "model.json";
    /** Largest accepted weight, in values (2^31 - 1 would overflow a float[]). */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private TfjsModelReader() {
    }

    /** Reads {@code model.json} and every shard it lists from {@code files}. */
    public static TfjsModel read(ModelFiles files) {
        try {
            return readChecked(files);
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException | ClassCastException
                 | IndexOutOfBoundsException e) {
            // Gson's accessors on a value of another type than the format says
            throw new RestoraException(files.describe(MODEL_JSON) + ": malformed (" + e.getMessage() + ")", e);
        }
    }

    private static TfjsModel readChecked(ModelFiles files) {
        String where = files.describe(MODEL_JSON);
        JsonObject root;
        try {
            byte[] json = files.read(MODEL_JSON);
            root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new RestoraException(where + ": no such file (a TensorFlow.js model folder holds model.json and"
                    + " its .bin shards)", e);
        } catch (IOException e) {
            throw new RestoraException(where + ": cannot read (" + e.getMessage() + ")", e);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new RestoraException(where + ": not a JSON object (" + e.getMessage() + ")", e);
        }
        String format = string(root, "format");
        if (format != null && !format.equals("layers-model")) {
            throw new RestoraException(where + ": format '" + format + "' is not supported (only TensorFlow.js"
                    + " 'layers-model')");
        }
        JsonObject topology = object(root, "modelTopology", where);
        JsonObject modelConfig = topology.has("model_config") ? object(topology, "model_config", where) : topology;
        String cls = string(modelConfig, "class_name");
        if (!"Functional".equals(cls) && !"Model".equals(cls)) {
            throw new RestoraException(where + ": the topology is a '" + cls + "', not a Keras functional model");
        }
        JsonObject config = object(modelConfig, "config", where);
        List<TfjsModel.Layer> layers = layers(config, where);
        List<String> inputs = endpoints(config, "input_layers", where);
        List<String> outputs = endpoints(config, "output_layers", where);
        Map<String, TfjsModel.Weight> weights = weights(root, files, where);
        return new TfjsModel(files.describe(""), layers, inputs, outputs, weights);
    }

    private static List<TfjsModel.Layer> layers(JsonObject config, String where) {
        JsonArray arr = array(config, "layers", where);
        List<TfjsModel.Layer> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonElement e : arr) {
            if (!e.isJsonObject()) {
                throw new RestoraException(where + ": a layer is not a JSON object");
            }
            JsonObject l = e.getAsJsonObject();
            String cls = string(l, "class_name");
            String name = string(l, "name");
            if (cls == null || name == null) {
                throw new RestoraException(where + ": a layer without class_name or name");
            }
            if (!names.add(name)) {
                throw new RestoraException(where + ": two layers are named '" + name + "'");
            }
            JsonObject cfg = l.has("config") && l.get("config").isJsonObject() ? l.getAsJsonObject("config")
                    : new JsonObject();
            List<String> inbound = new ArrayList<>();
            JsonArray nodes = l.has("inbound_nodes") ? array(l, "inbound_nodes", where) : new JsonArray();
            if (nodes.size() > 1) {
                throw new RestoraException(where + ": layer '" + name + "' is called " + nodes.size()
                        + " times (shared layers are not supported)");
            }
            for (JsonElement node : nodes) {
                if (!node.isJsonArray()) {
                    throw new RestoraException(where + ": layer '" + name + "' has inbound nodes in a format other"
                            + " than Keras 2's [[name, node, tensor, kwargs], ...]");
                }
                for (JsonElement ref : node.getAsJsonArray()) {
                    JsonArray r = ref.isJsonArray() ? ref.getAsJsonArray() : null;
                    if (r == null || r.size() < 3 || !r.get(0).isJsonPrimitive()) {
                        throw new RestoraException(where + ": layer '" + name + "' has a malformed inbound node "
                                + ref);
                    }
                    if (r.get(1).getAsInt() != 0 || r.get(2).getAsInt() != 0) {
                        throw new RestoraException(where + ": layer '" + name + "' takes output " + r.get(1) + "/"
                                + r.get(2) + " of '" + r.get(0).getAsString() + "' (only single-output layers are"
                                + " supported)");
                    }
                    inbound.add(r.get(0).getAsString());
                }
            }
            out.add(new TfjsModel.Layer(cls, name, cfg, inbound));
        }
        for (TfjsModel.Layer l : out) {
            for (String in : l.inbound()) {
                if (!names.contains(in)) {
                    throw new RestoraException(where + ": layer '" + l.name() + "' takes its input from '" + in
                            + "', which is not a layer of the model");
                }
            }
        }
        return out;
    }

    private static List<String> endpoints(JsonObject config, String key, String where) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : array(config, key, where)) {
            JsonArray r = e.isJsonArray() ? e.getAsJsonArray() : null;
            if (r == null || r.isEmpty()) {
                throw new RestoraException(where + ": malformed " + key + " entry " + e);
            }
            out.add(r.get(0).getAsString());
        }
        if (out.isEmpty()) {
            throw new RestoraException(where + ": the model has no " + key);
        }
        return out;
    }

    private static Map<String, TfjsModel.Weight> weights(JsonObject root, ModelFiles files, String where) {
        Map<String, TfjsModel.Weight> out = new LinkedHashMap<>();
        JsonArray groups = array(root, "weightsManifest", where);
        for (JsonElement g : groups) {
            if (!g.isJsonObject()) {
                throw new RestoraException(where + ": a weightsManifest group is not a JSON object");
            }
            JsonObject group = g.getAsJsonObject();
            List<Spec> specs = new ArrayList<>();
            long needed = 0;
            for (JsonElement w : array(group, "weights", where)) {
                Spec s = spec(w, where);
                if (out.containsKey(s.name) || specs.stream().anyMatch(o -> o.name.equals(s.name))) {
                    throw new RestoraException(where + ": weight '" + s.name + "' is listed twice");
                }
                specs.add(s);
                needed += s.count * Float.BYTES;
            }
            List<String> paths = new ArrayList<>();
            for (JsonElement p : array(group, "paths", where)) {
                paths.add(p.getAsString());
            }
            if (paths.isEmpty() && needed > 0) {
                throw new RestoraException(where + ": a weight group lists weights but no shard files");
            }
            ByteBuffer data = shards(files, paths, needed);
            for (Spec s : specs) {
                float[] v = new float[(int) s.count];
                data.asFloatBuffer().get(v);
                data.position(data.position() + v.length * Float.BYTES);
                out.put(s.name, new TfjsModel.Weight(s.name, s.shape, v));
            }
        }
        return out;
    }

    /** A manifest weight entry, checked: float32, no quantization, a sane shape. */
    private record Spec(String name, long[] shape, long count) {
    }

    private static Spec spec(JsonElement w, String where) {
        if (!w.isJsonObject()) {
            throw new RestoraException(where + ": a weight entry is not a JSON object");
        }
        JsonObject o = w.getAsJsonObject();
        String name = string(o, "name");
        if (name == null) {
            throw new RestoraException(where + ": a weight entry has no name");
        }
        if (o.has("quantization")) {
            throw new RestoraException(where + ": weight '" + name + "' is quantized (" + o.get("quantization")
                    + "); only plain float32 weights are supported");
        }
        String dtype = string(o, "dtype");
        if (!"float32".equals(dtype)) {
            throw new RestoraException(where + ": weight '" + name + "' has dtype " + dtype
                    + "; only float32 is supported");
        }
        JsonArray dims = array(o, "shape", where);
        long[] shape = new long[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).getAsLong();
            if (shape[i] < 0) {
                throw new RestoraException(where + ": weight '" + name + "' has a negative dimension " + dims);
            }
            count *= shape[i];
            if (count > MAX_VALUES) {
                throw new RestoraException(where + ": weight '" + name + "' is too large " + dims);
            }
        }
        return new Spec(name, shape, count);
    }

    /** The group's shards as one little-endian buffer of exactly {@code needed} bytes. */
    private static ByteBuffer shards(ModelFiles files, List<String> paths, long needed) {
        if (needed > Integer.MAX_VALUE - 8) {
            throw new RestoraException(files.describe(paths.get(0)) + ": a weight group of " + needed
                    + " bytes is too large");
        }
        ByteBuffer all = ByteBuffer.allocate((int) needed).order(ByteOrder.LITTLE_ENDIAN);
        long have = 0;
        for (String p : paths) {
            byte[] bytes;
            try {
                bytes = files.read(p);
            } catch (NoSuchFileException e) {
                throw new RestoraException(files.describe(p) + ": missing shard (listed in model.json)", e);
            } catch (IOException e) {
                throw new RestoraException(files.describe(p) + ": cannot read (" + e.getMessage() + ")", e);
            }
            if (have + bytes.length > needed) {
                throw new RestoraException(files.describe(p) + ": the shards hold more bytes (at least "
                        + (have + bytes.length) + ") than the weights listed in model.json need (" + needed
                        + "); the shapes disagree with the manifest");
            }
            all.put(bytes);
            have += bytes.length;
        }
        if (have < needed) {
            throw new RestoraException(files.describe(paths.get(paths.size() - 1)) + ": short shard: the shards hold "
                    + have + " bytes but the weights listed in model.json need " + needed
                    + " (truncated download?)");
        }
        all.flip();
        return all;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }

    private static JsonObject object(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new RestoraException(where + ": '" + key + "' is missing or not an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new RestoraException(where + ": '" + key + "' is missing or not a list");
        }
        return e.getAsJsonArray();
    }
}
