package dev.restora.core.checkpoint;

import java.util.List;

/**
 * Builds tensor descriptors from the arguments of PyTorch's pickled tensor constructors
 * ({@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata])}
 * and relatives), checking that the view lies inside its storage. No data is read here.
 */
final class TensorRebuilder {
    /** The callables this class can build, as {@code module.name}. */
    static final List<String> FUNCTIONS = List.of(
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
            "torch._tensor._rebuild_from_type_v2", "torch._tensor._rebuild_from_type");

    private final String file;

    TensorRebuilder(String file) {
        this.file = file;
    }

    static boolean handles(String qualifiedName) {
        return FUNCTIONS.contains(qualifiedName);
    }

    /** Applies the named rebuild function to its pickled arguments. */
    Object call(String function, Object[] args) {
        switch (function) {
            case "torch._utils._rebuild_tensor":
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor_v3":
                return tensor(function, args);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                requireArgs(function, args, 1);
                if (!(args[0] instanceof TensorRef)) {
                    throw error(function + " expects a tensor, got " + Values.describe(args[0]));
                }
                return args[0];
            case "torch._tensor._rebuild_from_type_v2":
            case "torch._tensor._rebuild_from_type": {
                // (func, type, args[, state]): only plain tensors and parameters, rebuilt by an allowed func
                requireArgs(function, args, 3);
                if (!(args[0] instanceof PythonObjectPlaceholder)
                        || !handles(((PythonObjectPlaceholder) args[0]).qualifiedName())) {
                    throw error("refuses to call " + Values.describe(args[0]) + " (through " + function + ")");
                }
                String type = args[1] instanceof PythonObjectPlaceholder
                        ? ((PythonObjectPlaceholder) args[1]).qualifiedName() : Values.describe(args[1]);
                if (!type.equals("torch.Tensor") && !type.equals("torch.nn.parameter.Parameter")) {
                    throw error("refuses to build a tensor of class " + type);
                }
                Object[] inner = Values.tupleItems(args[2]);
                if (inner == null) {
                    throw error(function + " expects an argument tuple, got " + Values.describe(args[2]));
                }
                return call(((PythonObjectPlaceholder) args[0]).qualifiedName(), inner);
            }
            default:
                throw error("refuses to call " + function);
        }
    }

    private TensorRef tensor(String function, Object[] args) {
        requireArgs(function, args, 4);
        if (!(args[0] instanceof StorageRef)) {
            throw error(function + " expects a storage, got " + Values.describe(args[0]));
        }
        StorageRef storage = (StorageRef) args[0];
        if (function.endsWith("_v3") && args.length >= 7) {
            storage = retyped(storage, args[6]);
        }
        long offset = longArg(function, "storage offset", args[1]);
        long[] shape = longs(function, "size", args[2]);
        long[] stride = longs(function, "stride", args[3]);
        if (shape.length != stride.length) {
            throw error("tensor with size " + java.util.Arrays.toString(shape) + " has "
                    + stride.length + " strides");
        }
        if (shape.length > 64) {
            throw error("tensor with " + shape.length + " dimensions");
        }
        if (offset < 0) {
            throw error("tensor with negative storage offset " + offset);
        }
        long numel = 1;
        long last = offset;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw error("tensor with negative size or stride " + java.util.Arrays.toString(shape)
                            + " / " + java.util.Arrays.toString(stride));
                }
                numel = Math.multiplyExact(numel, shape[i]);
                if (shape[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw error("tensor size overflows: " + java.util.Arrays.toString(shape));
        }
        if (numel > Integer.MAX_VALUE) {
            throw error("tensor of " + numel + " elements is larger than supported (2^31-1 elements)");
        }
        if (numel > 0 && last >= storage.numel()) {
            throw error("tensor view (offset " + offset + ", size " + java.util.Arrays.toString(shape) + ", stride "
                    + java.util.Arrays.toString(stride) + ") reaches element " + last + " of storage '"
                    + storage.key() + "' which holds " + storage.numel());
        }
        return new TensorRef(storage, offset, shape, stride);
    }

    /** _rebuild_tensor_v3 passes the dtype separately; an untyped (byte) storage is read as that dtype. */
    private StorageRef retyped(StorageRef storage, Object dtypeArg) {
        TensorDtype dtype = null;
        if (dtypeArg instanceof PythonObjectPlaceholder && ((PythonObjectPlaceholder) dtypeArg).module().equals("torch")) {
            dtype = TensorDtype.ofTorchName(((PythonObjectPlaceholder) dtypeArg).name());
        }
        if (dtype == null) {
            throw error("tensor of unsupported dtype " + Values.describe(dtypeArg));
        }
        if (dtype == storage.dtype()) {
            return storage;
        }
        if (storage.dtype() != TensorDtype.UINT8 || storage.numel() % dtype.size() != 0) {
            throw error("tensor of dtype " + dtype.torchName() + " in a " + storage.dtype().torchName() + " storage");
        }
        return new StorageRef(storage.key(), dtype, storage.numel() / dtype.size(), storage.location(), storage.byteOffset());
    }

    private void requireArgs(String function, Object[] args, int n) {
        if (args.length < n) {
            throw error(function + " called with " + args.length + " arguments, expected at least " + n);
        }
    }

    private long longArg(String function, String what, Object o) {
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        throw error(function + ": " + what + " is " + Values.describe(o) + ", not an integer");
    }

    private long[] longs(String function, String what, Object o) {
        Object[] items = Values.tupleItems(o);
        if (items == null) {
            throw error(function + ": " + what + " is " + Values.describe(o) + ", not a tuple");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = longArg(function, what, items[i]);
        }
        return out;
    }

    private CheckpointException error(String problem) {
        return new CheckpointException(file + ": " + problem);
    }
}
