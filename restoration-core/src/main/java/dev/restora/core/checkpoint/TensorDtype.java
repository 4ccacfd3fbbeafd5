package dev.restora.core.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Element types a checkpoint may store, with their names in PyTorch pickles ({@code torch.FloatStorage},
 * {@code torch.float32}) and safetensors headers ({@code F32}), and the DJL type they are loaded as.
 * float16 and bfloat16 are widened to float32 in Java (DJL cannot hold bfloat16 and float32 is the compute path).
 */
enum TensorDtype {
    FLOAT32("float32", "FloatStorage", "F32", 4, DataType.FLOAT32),
    FLOAT64("float64", "DoubleStorage", "F64", 8, DataType.FLOAT64),
    FLOAT16("float16", "HalfStorage", "F16", 2, DataType.FLOAT32),
    BFLOAT16("bfloat16", "BFloat16Storage", "BF16", 2, DataType.FLOAT32),
    INT64("int64", "LongStorage", "I64", 8, DataType.INT64),
    INT32("int32", "IntStorage", "I32", 4, DataType.INT32),
    INT16("int16", "ShortStorage", "I16", 2, DataType.INT16),
    INT8("int8", "CharStorage", "I8", 1, DataType.INT8),
    UINT8("uint8", "ByteStorage", "U8", 1, DataType.UINT8),
    BOOL("bool", "BoolStorage", "BOOL", 1, DataType.BOOLEAN);

    private final String torchName;
    private final String storageName;
    private final String safetensorsName;
    private final int size;
    private final DataType loaded;

    TensorDtype(String torchName, String storageName, String safetensorsName, int size, DataType loaded) {
        this.torchName = torchName;
        this.storageName = storageName;
        this.safetensorsName = safetensorsName;
        this.size = size;
        this.loaded = loaded;
    }

    /** The PyTorch name ("bfloat16"). */
    String torchName() {
        return torchName;
    }

    /** Bytes per element as stored. */
    int size() {
        return size;
    }

    /** The DJL type the tensor is loaded as. */
    DataType loaded() {
        return loaded;
    }

    /** Bytes per element once loaded. */
    int loadedSize() {
        return loaded.getNumOfBytes();
    }

    boolean widened() {
        return this == FLOAT16 || this == BFLOAT16;
    }

    /**
     * The type of a pickled storage class: {@code torch.FloatStorage}, {@code torch.cuda.HalfStorage}, or null.
     * {@code torch.UntypedStorage} holds bytes.
     */
    static TensorDtype ofStorageClass(String module, String name) {
        if (!"torch".equals(module) && !"torch.cuda".equals(module)) {
            return null;
        }
        if ("UntypedStorage".equals(name)) {
            return UINT8;
        }
        for (TensorDtype d : values()) {
            if (d.storageName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The type of a pickled {@code torch.<dtype>} global ({@code torch.float32}, {@code torch.half}, ...), or null. */
    static TensorDtype ofTorchName(String name) {
        switch (name) {
            case "float": return FLOAT32;
            case "double": return FLOAT64;
            case "half": return FLOAT16;
            case "long": return INT64;
            case "int": return INT32;
            case "short": return INT16;
            default: break;
        }
        for (TensorDtype d : values()) {
            if (d.torchName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The type of a safetensors dtype string ("F32", "BF16"), or null. */
    static TensorDtype ofSafetensors(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        for (TensorDtype d : values()) {
            if (d.safetensorsName.equals(n)) {
                return d;
            }
        }
        return null;
    }
}
