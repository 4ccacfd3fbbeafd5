package dev.restora.core.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Pyrolite's pickle machine restricted like {@code torch.load(weights_only=True)}: it runs no code. A GLOBAL
 * becomes an inert {@link PythonObjectPlaceholder}; only allowlisted callables may be called (REDUCE) or
 * instantiated (NEWOBJ, INST, OBJ): tensor rebuilds, {@code collections.OrderedDict}, plain containers, a few
 * data-only classes (Lightning's {@code AttributeDict} as a map, {@code argparse.Namespace} as an inert object).
 * Anything else is refused with a {@link CheckpointException} naming the file and the global. Dicts keep their
 * pickle order (Pyrolite's own dict opcodes use {@code HashMap}). Length prefixes are checked against the
 * bytes left before anything is allocated.
 */
final class RestrictedUnpickler extends Unpickler {
    /** Upper bound on executed opcodes (a pickle of many tiny objects could otherwise exhaust the heap). */
    static final long MAX_OPS = 16_000_000;
    static final int MAX_TEXT_NUMBER = 4300;

    /** Resolves a persistent id {@code ('storage', type, key, location, numel)} to a storage. */
    interface StorageResolver {
        StorageRef resolve(TensorDtype dtype, String key, long numel);
    }

    private final String file;
    private final StorageResolver storages;
    private final TensorRebuilder rebuilder;
    private final Map<String, StorageRef> storageCache = new LinkedHashMap<>();
    private ByteArrayInputStream in;
    private long ops;

    RestrictedUnpickler(String file, StorageResolver storages) {
        this.file = file;
        this.storages = storages;
        this.rebuilder = new TensorRebuilder(file);
    }

    /** Unpickles {@code data} (a whole data.pkl); every failure is a CheckpointException naming the file. */
    Object unpickle(byte[] data) {
        in = new ByteArrayInputStream(data);
        try {
            return load(in);
        } catch (CheckpointException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw error("pickle data nested too deeply");
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": corrupt pickle data in the checkpoint (" + e.getMessage() + ")", e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        if (++ops > MAX_OPS) {
            throw error("pickle data has more than " + MAX_OPS + " operations");
        }
        switch (key) {
            case 'c': { // GLOBAL module\nname\n
                String module = PickleUtils.readline(in);
                String name = PickleUtils.readline(in);
                stack.add(PythonObjectPlaceholder.reference(module, name));
                return NO_RETURN_VALUE;
            }
            case 0x93: { // STACK_GLOBAL
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw error("STACK_GLOBAL with non-string names");
                }
                stack.add(PythonObjectPlaceholder.reference((String) module, (String) name));
                return NO_RETURN_VALUE;
            }
            case 'i': { // INST module\nname\n, arguments since MARK
                PythonObjectPlaceholder cls = PythonObjectPlaceholder.reference(
                        PickleUtils.readline(in), PickleUtils.readline(in));
                List<Object> args = stack.pop_all_since_marker();
                stack.add(instantiate(cls, args.toArray(), "INST"));
                return NO_RETURN_VALUE;
            }
            case 'o': { // OBJ: class and arguments since MARK
                List<Object> items = stack.pop_all_since_marker();
                if (items.isEmpty()) {
                    throw error("OBJ without a class");
                }
                stack.add(instantiate(items.get(0), items.subList(1, items.size()).toArray(), "OBJ"));
                return NO_RETURN_VALUE;
            }
            case 'R': { // REDUCE
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, args));
                return NO_RETURN_VALUE;
            }
            case 0x81: { // NEWOBJ
                Object args = stack.pop();
                Object cls = stack.pop();
                Object[] a = Values.tupleItems(args);
                if (a == null) {
                    throw error("NEWOBJ with non-tuple arguments");
                }
                stack.add(instantiate(cls, a, "NEWOBJ"));
                return NO_RETURN_VALUE;
            }
            case 0x92: { // NEWOBJ_EX
                Object kwargs = stack.pop();
                Object args = stack.pop();
                Object cls = stack.pop();
                Object[] a = Values.tupleItems(args);
                if (a == null || !(kwargs instanceof Map)) {
                    throw error("NEWOBJ_EX with malformed arguments");
                }
                if (!((Map<?, ?>) kwargs).isEmpty()) {
                    throw error("refuses to call " + Values.describe(cls) + " with keyword arguments (NEWOBJ_EX)");
                }
                stack.add(instantiate(cls, a, "NEWOBJ_EX"));
                return NO_RETURN_VALUE;
            }
            case 'b': { // BUILD
                Object state = stack.pop();
                build(stack.peek(), state);
                return NO_RETURN_VALUE;
            }
            case 0x82: case 0x83: case 0x84: // EXT1, EXT2, EXT4
                throw error("refuses the copyreg extension registry (EXT opcodes)");
            case 0x97: case 0x98: // NEXT_BUFFER, READONLY_BUFFER
                throw error("refuses out-of-band pickle buffers");
            case '}': // EMPTY_DICT
                stack.add(new LinkedHashMap<Object, Object>());
                return NO_RETURN_VALUE;
            case 'd': { // DICT: key/value pairs since MARK
                Map<Object, Object> map = new LinkedHashMap<>();
                putPairs(map, stack.pop_all_since_marker());
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case 's': { // SETITEM
                Object value = stack.pop();
                Object k = stack.pop();
                targetMap().put(hashable(k), value);
                return NO_RETURN_VALUE;
            }
            case 'u': { // SETITEMS
                List<Object> items = stack.pop_all_since_marker();
                putPairs(targetMap(), items);
                return NO_RETURN_VALUE;
            }
            case 0x8f: // EMPTY_SET
                stack.add(new PickledSet());
                return NO_RETURN_VALUE;
            case 0x90: { // ADDITEMS
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                if (!(target instanceof Set)) {
                    throw error("ADDITEMS on " + Values.describe(target));
                }
                @SuppressWarnings("unchecked")
                Set<Object> set = (Set<Object>) target;
                for (Object o : items) {
                    set.add(hashable(o));
                }
                return NO_RETURN_VALUE;
            }
            case 0x91: { // FROZENSET
                Set<Object> set = new PickledSet();
                for (Object o : stack.pop_all_since_marker()) {
                    set.add(hashable(o));
                }
                stack.add(set);
                return NO_RETURN_VALUE;
            }
            case 'I': case 'L': case 'F': // text numbers: Python caps int parsing at 4300 digits; so do we
                in.mark(0);
                String line = PickleUtils.readline(in);
                if (line.length() > MAX_TEXT_NUMBER) {
                    throw error("pickle data holds a " + line.length() + "-character number");
                }
                in.reset();
                return super.dispatch(key);
            case 'X': // BINUNICODE
                stack.add(new String(readCounted(readLength(4, false)), StandardCharsets.UTF_8));
                return NO_RETURN_VALUE;
            case 0x8d: // BINUNICODE8
                stack.add(new String(readCounted(readLength(8, false)), StandardCharsets.UTF_8));
                return NO_RETURN_VALUE;
            case 'T': // BINSTRING (Python 2 str)
                stack.add(new String(readCounted(readLength(4, true)), StandardCharsets.ISO_8859_1));
                return NO_RETURN_VALUE;
            case 'B': // BINBYTES
                stack.add(readCounted(readLength(4, false)));
                return NO_RETURN_VALUE;
            case 0x8e: case 0x96: // BINBYTES8, BYTEARRAY8
                stack.add(readCounted(readLength(8, false)));
                return NO_RETURN_VALUE;
            case 0x8b: { // LONG4
                byte[] bytes = readCounted(readLength(4, true));
                stack.add(bytes.length == 0 ? 0L : PickleUtils.decode_long(bytes));
                return NO_RETURN_VALUE;
            }
            default:
                return super.dispatch(key);
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        Object[] t = Values.tupleItems(pid);
        if (t == null || t.length != 5 || !"storage".equals(t[0])) {
            throw error("unsupported persistent id " + Values.describe(pid) + " (expected a torch storage)");
        }
        if (!(t[1] instanceof PythonObjectPlaceholder)) {
            throw error("storage type is " + Values.describe(t[1]));
        }
        PythonObjectPlaceholder type = (PythonObjectPlaceholder) t[1];
        TensorDtype dtype = TensorDtype.ofStorageClass(type.module(), type.name());
        if (dtype == null) {
            throw error("unsupported storage type " + type.qualifiedName());
        }
        if (!(t[2] instanceof String) || !(t[4] instanceof Integer || t[4] instanceof Long)) {
            throw error("malformed storage reference " + Values.describe(pid));
        }
        String k = (String) t[2];
        long numel = ((Number) t[4]).longValue();
        StorageRef cached = storageCache.get(k);
        if (cached != null) {
            if (cached.dtype() != dtype) {
                throw error("storage '" + k + "' is used as " + cached.dtype().torchName() + " and " + dtype.torchName());
            }
            return cached;
        }
        StorageRef ref = storages.resolve(dtype, k, numel);
        storageCache.put(k, ref);
        return ref;
    }

    /** REDUCE: {@code callable(*args)} for allowlisted callables only. */
    private Object call(Object callable, Object args) {
        if (!(callable instanceof PythonObjectPlaceholder) || ((PythonObjectPlaceholder) callable).isInstance()) {
            throw error("refuses to call " + Values.describe(callable));
        }
        PythonObjectPlaceholder g = (PythonObjectPlaceholder) callable;
        Object[] a = Values.tupleItems(args);
        if (a == null) {
            throw error("REDUCE of " + g.qualifiedName() + " with non-tuple arguments");
        }
        String q = normalized(g);
        if (TensorRebuilder.handles(q)) {
            return rebuilder.call(q, a);
        }
        switch (q) {
            case "collections.OrderedDict":
            case "collections.defaultdict": // the default factory is kept as a reference, never called
            case "builtins.dict": {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (a.length == 1 && a[0] instanceof Map) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) a[0]).entrySet()) {
                        map.put(e.getKey(), e.getValue());
                    }
                } else if (a.length == 1 && !q.equals("collections.defaultdict")) {
                    addPairList(map, a[0]);
                } else if (a.length > 1 && !q.equals("collections.defaultdict")) {
                    throw error(q + " called with " + a.length + " arguments");
                }
                return map;
            }
            case "builtins.list":
            case "builtins.tuple":
            case "torch.Size": {
                List<Object> list = new ArrayList<>();
                if (a.length >= 1) {
                    Object[] items = Values.tupleItems(a[0]);
                    if (items == null) {
                        throw error(q + " of " + Values.describe(a[0]));
                    }
                    list.addAll(Arrays.asList(items));
                }
                return q.equals("builtins.list") ? list : list.toArray();
            }
            case "builtins.set":
            case "builtins.frozenset": {
                Set<Object> set = new PickledSet();
                if (a.length >= 1) {
                    Object[] items = Values.tupleItems(a[0]);
                    if (items == null) {
                        throw error(q + " of " + Values.describe(a[0]));
                    }
                    for (Object o : items) {
                        set.add(hashable(o));
                    }
                }
                return set;
            }
            case "_codecs.encode": // how protocol 2 stores Python 3 bytes: encode(str, 'latin1')
                if (a.length == 2 && a[0] instanceof String
                        && ("latin1".equals(a[1]) || "latin-1".equals(a[1]) || "iso-8859-1".equals(a[1]))) {
                    return ((String) a[0]).getBytes(StandardCharsets.ISO_8859_1);
                }
                throw error("refuses to call _codecs.encode with " + Values.describe(a.length > 1 ? a[1] : null));
            case "builtins.bytearray":
            case "builtins.bytes":
                if (a.length == 0) {
                    return new byte[0];
                }
                if (a[0] instanceof byte[]) {
                    return a[0];
                }
                if (a.length == 2 && a[0] instanceof String && ("latin-1".equals(a[1]) || "latin1".equals(a[1]))) {
                    return ((String) a[0]).getBytes(StandardCharsets.ISO_8859_1);
                }
                throw error("refuses to call " + g.qualifiedName() + " with " + Values.describe(a[0]));
            case "torch.device":
            case "numpy.dtype":
                return PythonObjectPlaceholder.instance(g, Arrays.asList(a));
            case "numpy.core.multiarray.scalar":
            case "numpy._core.multiarray.scalar":
                return NumpyScalars.scalar(g, a);
            case "numpy.core.multiarray._reconstruct":
            case "numpy._core.multiarray._reconstruct": {
                // (numpy.ndarray, shape, dtype char); the data comes with BUILD: kept as an inert object
                if (a.length < 1 || !(a[0] instanceof PythonObjectPlaceholder)
                        || !"numpy.ndarray".equals(((PythonObjectPlaceholder) a[0]).qualifiedName())) {
                    throw error("refuses to call " + g.qualifiedName() + " for " + Values.describe(a.length > 0 ? a[0] : null));
                }
                return PythonObjectPlaceholder.instance((PythonObjectPlaceholder) a[0], List.of());
            }
            case "torch.serialization._get_layout":
                return a.length == 1 ? a[0] : null;
            case "pathlib.Path":
            case "pathlib.PosixPath":
            case "pathlib.WindowsPath":
            case "pathlib.PurePath":
            case "pathlib.PurePosixPath":
            case "pathlib.PureWindowsPath": {
                StringBuilder sb = new StringBuilder();
                for (Object part : a) {
                    if (!(part instanceof String)) {
                        throw error(q + " with " + Values.describe(part));
                    }
                    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '/') {
                        sb.append('/');
                    }
                    sb.append((String) part);
                }
                return sb.toString();
            }
            case "copyreg._reconstructor": // protocol 0/1 objects: _reconstructor(cls, base, state)
                if (a.length != 3) {
                    throw error("copyreg._reconstructor called with " + a.length + " arguments");
                }
                return instantiate(a[0], new Object[0], "copyreg._reconstructor");
            default:
                if (q.startsWith("torch._utils._rebuild_") || q.startsWith("torch._tensor._rebuild_")) {
                    throw error("refuses to call " + g.qualifiedName() + ": this kind of tensor (quantized, sparse, "
                            + "nested or subclassed) is not supported; save dense tensors");
                }
                throw error("refuses to call " + g.qualifiedName()
                        + " (not an allowed checkpoint type; loading it would run code)");
        }
    }

    /** NEWOBJ / INST / OBJ: {@code cls.__new__(cls, *args)} for allowlisted data-only classes. */
    private Object instantiate(Object cls, Object[] args, String how) {
        if (!(cls instanceof PythonObjectPlaceholder) || ((PythonObjectPlaceholder) cls).isInstance()) {
            throw error("refuses to call " + Values.describe(cls) + " (" + how + ")");
        }
        PythonObjectPlaceholder g = (PythonObjectPlaceholder) cls;
        String q = normalized(g);
        if (q.equals("collections.OrderedDict") || q.equals("builtins.dict") || isAttributeDict(g)) {
            return new LinkedHashMap<Object, Object>();
        }
        if (q.equals("builtins.list")) {
            return new ArrayList<Object>();
        }
        if (q.equals("builtins.set")) {
            return new PickledSet();
        }
        if (q.equals("argparse.Namespace") || q.equals("builtins.object") || q.equals("types.SimpleNamespace")) {
            return PythonObjectPlaceholder.instance(g, Arrays.asList(args));
        }
        throw error("refuses to call " + g.qualifiedName() + " (" + how + " of a class that is not allowed in a "
                + "checkpoint; loading it would run code. Only state dicts of tensors, dicts, lists, numbers and "
                + "strings are read: is this a whole pickled model?)");
    }

    /** BUILD: sets the state of maps (ignored: attributes such as a state dict's _metadata) and inert objects. */
    private void build(Object target, Object state) {
        if (target instanceof Map || target instanceof TensorRef) {
            return;
        }
        if (target instanceof PythonObjectPlaceholder && ((PythonObjectPlaceholder) target).isInstance()) {
            PythonObjectPlaceholder p = (PythonObjectPlaceholder) target;
            Object[] tuple = Values.tupleItems(state);
            if (state instanceof Map) {
                p.putState((Map<?, ?>) state);
            } else if (tuple != null && tuple.length == 2 && !(state instanceof List)) {
                for (Object part : tuple) {
                    if (part instanceof Map) {
                        p.putState((Map<?, ?>) part);
                    }
                }
            } else if (state != null) {
                p.putState(Map.of("__state__", state));
            }
            return;
        }
        throw error("refuses to set the state of " + Values.describe(target) + " (BUILD)");
    }

    private static boolean isAttributeDict(PythonObjectPlaceholder g) {
        String m = g.module();
        return g.name().equals("AttributeDict")
                && (m.startsWith("pytorch_lightning.") || m.startsWith("lightning.") || m.startsWith("lightning_fabric."));
    }

    /** module.name with Python 2 module names mapped to Python 3 ones, as pickle's fix_imports does. */
    private static String normalized(PythonObjectPlaceholder g) {
        String m = g.module();
        if (m.equals("__builtin__")) {
            m = "builtins";
        } else if (m.equals("copy_reg")) {
            m = "copyreg";
        }
        return m + "." + g.name();
    }

    private Map<Object, Object> targetMap() {
        Object target = stack.peek();
        if (!(target instanceof Map)) {
            throw error("SETITEM on " + Values.describe(target) + " (not a dict)");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) target;
        return map;
    }

    private void putPairs(Map<Object, Object> map, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw error("odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(hashable(items.get(i)), items.get(i + 1));
        }
    }

    private void addPairList(Map<Object, Object> map, Object pairs) {
        Object[] items = Values.tupleItems(pairs);
        if (items == null) {
            throw error("OrderedDict of " + Values.describe(pairs));
        }
        for (Object item : items) {
            Object[] pair = Values.tupleItems(item);
            if (pair == null || pair.length != 2) {
                throw error("OrderedDict item " + Values.describe(item) + " is not a pair");
            }
            map.put(hashable(pair[0]), pair[1]);
        }
    }

    /** Python refuses unhashable keys; so do we (a list key would also make Java hash it recursively). */
    private Object hashable(Object key) {
        if (key instanceof List || key instanceof Map) {
            throw error("unhashable dict key or set item " + Values.describe(key));
        }
        return key;
    }

    private long readLength(int bytes, boolean signed) throws IOException {
        byte[] b = PickleUtils.readbytes(in, bytes);
        long n = bytes == 4 ? (signed ? (long) PickleUtils.bytes_to_integer(b) : PickleUtils.bytes_to_uint(b, 0))
                : PickleUtils.bytes_to_long(b, 0);
        if (n < 0 || n > in.available()) {
            throw error("pickle data declares a " + n + "-byte item but only " + in.available() + " bytes follow");
        }
        return n;
    }

    private byte[] readCounted(long n) throws IOException {
        return PickleUtils.readbytes(in, (int) n);
    }

    private CheckpointException error(String problem) {
        return new CheckpointException(file + ": " + problem);
    }
}
