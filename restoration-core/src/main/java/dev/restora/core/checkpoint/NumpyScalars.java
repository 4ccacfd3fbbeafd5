package dev.restora.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * NumPy scalars as pickled ({@code numpy.core.multiarray.scalar(dtype, raw bytes)}, e.g. a metric logged by a
 * Lightning callback) decoded to Double, Long or Boolean; other kinds stay inert objects. No NumPy code runs.
 */
final class NumpyScalars {
    private NumpyScalars() {
    }

    static Object scalar(PythonObjectPlaceholder function, Object[] args) {
        if (args.length == 2 && args[0] instanceof PythonObjectPlaceholder && args[1] instanceof byte[]) {
            PythonObjectPlaceholder dtype = (PythonObjectPlaceholder) args[0];
            byte[] raw = (byte[]) args[1];
            if (dtype.isInstance() && !dtype.args().isEmpty() && dtype.args().get(0) instanceof String) {
                Object v = decode((String) dtype.args().get(0), order(dtype), raw);
                if (v != null) {
                    return v;
                }
            }
        }
        return PythonObjectPlaceholder.instance(function, Arrays.asList(args));
    }

    /** Byte order from the dtype's pickled state {@code (3, '<', ...)}; little-endian when absent. */
    private static ByteOrder order(PythonObjectPlaceholder dtype) {
        Object[] state = Values.tupleItems(dtype.state().get("__state__"));
        return state != null && state.length > 1 && ">".equals(state[1]) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    private static Object decode(String code, ByteOrder order, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        switch (code) {
            case "f8": return raw.length == 8 ? b.getDouble() : null;
            case "f4": return raw.length == 4 ? (double) b.getFloat() : null;
            case "f2": return raw.length == 2 ? (double) StorageDecoder.halfToFloat(b.getShort()) : null;
            case "i8": case "u8": return raw.length == 8 ? b.getLong() : null;
            case "i4": return raw.length == 4 ? (long) b.getInt() : null;
            case "u4": return raw.length == 4 ? b.getInt() & 0xffffffffL : null;
            case "i2": return raw.length == 2 ? (long) b.getShort() : null;
            case "u2": return raw.length == 2 ? (long) (b.getShort() & 0xffff) : null;
            case "i1": return raw.length == 1 ? (long) raw[0] : null;
            case "u1": return raw.length == 1 ? (long) (raw[0] & 0xff) : null;
            case "b1": return raw.length == 1 ? raw[0] != 0 : null;
            default: return null;
        }
    }
}
