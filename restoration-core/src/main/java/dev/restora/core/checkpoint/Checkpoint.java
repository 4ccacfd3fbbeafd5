package dev.restora.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A model checkpoint read without Python and without running any code from it: a {@code torch.save} zip
 * ({@code .pth}, {@code .pt}, Lightning {@code .ckpt}) or a safetensors file, recognised by content.
 *
 * <p>{@link #tensors()} is the model state dict in file order: a {@code {'state_dict': ...}} wrapper (also a
 * Lightning checkpoint) is unwrapped, {@code module.} / {@code _orig_mod.} prefixes are stripped, float16 and
 * bfloat16 are widened to float32; float64, int64, int32, uint8 and bool are kept. Arrays belong to the manager
 * given to {@link #read}; tensors viewing one storage share memory, so treat them as read-only.
 */
public final class Checkpoint {
    private final Path file;
    private final NDManager manager;
    private final ParsedCheckpoint parsed;
    private final Map<String, NDArray> tensors;
    private final List<NDArray> ema;
    private final Map<String, Object> hyperParameters;
    private final Map<TensorRef, NDArray> arrays = new IdentityHashMap<>();
    private Object root;

    private Checkpoint(Path file, NDManager manager, ParsedCheckpoint parsed) {
        this.file = file;
        this.manager = manager;
        this.parsed = parsed;
        Map<String, TensorRef> stateRefs = StateDicts.stateDict(parsed.root(), file.toString());
        List<TensorRef> emaRefs = StateDicts.emaShadowParams(parsed.root(), file.toString());
        List<TensorRef> wanted = new ArrayList<>(stateRefs.values());
        if (emaRefs != null) {
            wanted.addAll(emaRefs);
        }
        materialize(wanted);
        Map<String, NDArray> t = new LinkedHashMap<>();
        stateRefs.forEach((k, r) -> t.put(k, arrays.get(r)));
        this.tensors = Collections.unmodifiableMap(t);
        if (emaRefs == null) {
            this.ema = null;
        } else {
            List<NDArray> e = new ArrayList<>();
            for (TensorRef r : emaRefs) {
                e.add(arrays.get(r));
            }
            this.ema = Collections.unmodifiableList(e);
        }
        this.hyperParameters = StateDicts.hyperParameters(parsed, file.toString(), this::array);
    }

    /**
     * Reads a checkpoint; its tensors are created in {@code manager}.
     *
     * @throws CheckpointException naming the file and the problem (unsupported or hostile content included)
     */
    public static Checkpoint read(Path file, NDManager manager) {
        ParsedCheckpoint parsed = parse(file);
        try {
            return new Checkpoint(file, manager, parsed);
        } catch (StackOverflowError e) {
            throw new CheckpointException(file + ": checkpoint values nested too deeply");
        }
    }

    /** Describes a checkpoint's tensors, parameter count, hyper-parameters and EMA without creating NDArrays. */
    public static CheckpointInfo inspect(Path file) {
        ParsedCheckpoint parsed = parse(file);
        String name = file.toString();
        try {
            Map<String, TensorRef> state = StateDicts.stateDict(parsed.root(), name);
            List<TensorInfo> infos = new ArrayList<>();
            long params = 0;
            for (Map.Entry<String, TensorRef> e : state.entrySet()) {
                TensorRef r = e.getValue();
                infos.add(info(e.getKey(), r));
                params += r.numel();
            }
            List<TensorRef> ema = StateDicts.emaShadowParams(parsed.root(), name);
            Map<String, Object> hp = StateDicts.hyperParameters(parsed, name, r -> info("", r));
            return new CheckpointInfo(file, parsed.format(), infos, params, hp, ema != null,
                    ema == null ? 0 : ema.size());
        } catch (StackOverflowError e) {
            throw new CheckpointException(name + ": checkpoint values nested too deeply");
        }
    }

    public Path file() {
        return file;
    }

    public CheckpointFormat format() {
        return parsed.format();
    }

    /** The model state dict in file order (unwrapped, prefixes stripped, half types widened to float32). */
    public Map<String, NDArray> tensors() {
        return tensors;
    }

    /** {@code new StateDict(tensors(), file name)}. */
    public StateDict stateDict() {
        return new StateDict(tensors, file.getFileName().toString());
    }

    /**
     * The averaged weights of a Lightning checkpoint's {@code ema} entry (torch-ema {@code shadow_params}), in
     * the model's parameter order, which is the order of the parameter keys of {@link #tensors()}.
     */
    public Optional<List<NDArray>> emaShadowParams() {
        return Optional.ofNullable(ema);
    }

    /** {@link #emaStateDict(Predicate)} with every state dict key taken as a parameter (SGMSE+, StoRM). */
    public Optional<StateDict> emaStateDict() {
        return emaStateDict(key -> true);
    }

    /**
     * The state dict with the EMA shadow weights in place of the raw parameters: the keys accepted by
     * {@code isParameter}, in file order, take {@code shadow_params[0..n-1]} (torch-ema keeps them in
     * {@code model.parameters()} order, which is the state dict order of the parameters); other keys (buffers)
     * keep their state dict tensors. Empty when the file has no EMA weights.
     *
     * @throws CheckpointException when the number of parameters or a shape differs from the EMA list
     */
    public Optional<StateDict> emaStateDict(Predicate<String> isParameter) {
        if (ema == null) {
            return Optional.empty();
        }
        return Optional.of(new StateDict(withEma(tensors, ema, isParameter, file.toString()),
                file.getFileName() + " (EMA)"));
    }

    /**
     * {@code tensors} with {@code shadow} in place of the parameters: the keys accepted by {@code isParameter}, in
     * map order, take {@code shadow[0..n-1]}; other keys keep their tensors. The rule of {@link #emaStateDict},
     * for callers that pick the keys themselves (a model's prefixes).
     *
     * @param source names the file in messages
     * @throws CheckpointException when the number of parameters or a shape differs from the EMA list
     */
    public static Map<String, NDArray> withEma(Map<String, NDArray> tensors, List<NDArray> shadow,
                                               Predicate<String> isParameter, String source) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (!isParameter.test(e.getKey())) {
                out.put(e.getKey(), e.getValue());
                continue;
            }
            if (i >= shadow.size()) {
                throw new CheckpointException(source + ": ema.shadow_params has " + shadow.size()
                        + " tensors but the state dict has more parameters (at '" + e.getKey() + "')");
            }
            NDArray avg = shadow.get(i++);
            if (!avg.getShape().equals(e.getValue().getShape())) {
                throw new CheckpointException(source + ": ema.shadow_params[" + (i - 1) + "] has shape "
                        + avg.getShape() + " but parameter '" + e.getKey() + "' has " + e.getValue().getShape()
                        + " (the EMA list does not follow the state dict order)");
            }
            out.put(e.getKey(), avg);
        }
        if (i != shadow.size()) {
            throw new CheckpointException(source + ": ema.shadow_params has " + shadow.size() + " tensors but the "
                    + "state dict has " + i + " parameters");
        }
        return out;
    }

    /**
     * Lightning {@code hyper_parameters} as plain Java values (String, Long, Double, Boolean, List, Map, null;
     * classes as {@link PythonObjectPlaceholder}); empty when absent. For safetensors: the header's
     * {@code __metadata__}.
     */
    public Map<String, Object> hyperParameters() {
        return hyperParameters;
    }

    /**
     * The whole top-level object as plain Java values (see {@link #hyperParameters()}), tensors as NDArrays
     * (the same arrays as in {@link #tensors()} where shared). Reads the remaining storages (optimizer states,
     * for example) on first call.
     */
    public synchronized Object root() {
        if (root == null) {
            List<TensorRef> all = new ArrayList<>();
            Values.plain(parsed.root(), r -> {
                all.add(r);
                return null;
            }, file.toString());
            materialize(all);
            root = Values.plain(parsed.root(), this::array, file.toString());
        }
        return root;
    }

    private synchronized NDArray array(TensorRef r) {
        NDArray a = arrays.get(r);
        if (a == null) {
            materialize(List.of(r));
            a = arrays.get(r);
        }
        return a;
    }

    private void materialize(Collection<TensorRef> refs) {
        List<TensorRef> missing = new ArrayList<>();
        for (TensorRef r : refs) {
            if (!arrays.containsKey(r)) {
                missing.add(r);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (StorageSource source = parsed.storages().get()) {
            arrays.putAll(TensorMaterializer.materialize(missing, source, manager));
        }
    }

    private static TensorInfo info(String name, TensorRef r) {
        return new TensorInfo(name, r.dtype().torchName(), r.shape(), r.bytes());
    }

    /** Recognises the format by content and reads the object structure. */
    static ParsedCheckpoint parse(Path file) {
        byte[] head = new byte[16];
        int n;
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no such checkpoint file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (n == 0) {
            throw new CheckpointException(file + ": is empty");
        }
        try {
            if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return TorchZipReader.parse(file);
            }
            if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
                throw new CheckpointException(file + ": is an empty or damaged zip archive, not a checkpoint");
            }
            if ((head[0] & 0xff) == 0x80 && n >= 4 && (head[2] & 0xff) == 0x8a && head[3] == 10) {
                // protocol 2, then LONG1 of 10 bytes: the magic number the pre-1.6 torch.save writes first
                throw new CheckpointException(file + ": uses the legacy PyTorch format (before torch 1.6, a bare pickle, "
                        + "not a zip archive), which is not supported; re-save it with a current torch: "
                        + "torch.save(torch.load(path), new_path)");
            }
            if ((head[0] & 0xff) == 0x80) {
                throw new CheckpointException(file + ": is a bare Python pickle, not a PyTorch checkpoint (torch.save zip)");
            }
            if (n >= 9 && SafetensorsReader.looksLike(head)) {
                return SafetensorsReader.parse(file);
            }
        } catch (StackOverflowError e) {
            throw new CheckpointException(file + ": checkpoint values nested too deeply");
        }
        throw new CheckpointException(file + ": is neither a PyTorch checkpoint (torch.save zip) nor a safetensors file");
    }
}
