package dev.restora.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}, then the data. The header is
 * checked (size cap, offsets inside the data, sizes matching shapes, no overlaps) before anything is allocated.
 */
final class SafetensorsReader {
    /** The reference implementation refuses headers above 100 MB. */
    static final long MAX_HEADER = 100L << 20;

    private final Path file;
    private final String name;

    private SafetensorsReader(Path file) {
        this.file = file;
        this.name = file.toString();
    }

    /** True when the first bytes look like a safetensors header (length, then '{'). */
    static boolean looksLike(byte[] head) {
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && head[8] == '{';
    }

    static ParsedCheckpoint parse(Path file) {
        return new SafetensorsReader(file).parse();
    }

    private ParsedCheckpoint parse() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen > MAX_HEADER || headerLen > size - 8) {
                throw error("safetensors header claims " + headerLen + " bytes (file holds " + size + ", cap "
                        + MAX_HEADER + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonObject header = parseHeader(new String(hb.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<Object, Object> root = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    root.put("__metadata__", metadata(e.getValue()));
                    continue;
                }
                TensorRef ref = tensor(e.getKey(), e.getValue(), dataStart, dataLen);
                ranges.add(new long[] {ref.storage().byteOffset(), ref.storage().byteOffset() + ref.storage().bytes()});
                root.put(e.getKey(), ref);
            }
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < ranges.size(); i++) {
                if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                    throw error("safetensors header has overlapping tensor data");
                }
            }
            return new ParsedCheckpoint(CheckpointFormat.SAFETENSORS, root, FileStorages::new);
        } catch (IOException e) {
            throw new CheckpointException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private JsonObject parseHeader(String json) {
        try {
            if (nesting(json) > 16) {
                throw error("safetensors header is nested more than 16 levels deep");
            }
            JsonElement root = JsonParser.parseReader(new JsonReader(new StringReader(json)));
            if (!root.isJsonObject()) {
                throw error("safetensors header is not a JSON object");
            }
            return root.getAsJsonObject();
        } catch (JsonParseException | StackOverflowError | IllegalStateException e) {
            throw error("safetensors header is not valid JSON (" + e.getMessage() + ")");
        }
    }

    /** Deepest bracket nesting outside strings. */
    private static int nesting(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    private Map<Object, Object> metadata(JsonElement e) {
        Map<Object, Object> out = new LinkedHashMap<>();
        if (!e.isJsonObject()) {
            throw error("safetensors __metadata__ is not an object");
        }
        for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
            out.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString() : m.getValue().toString());
        }
        return out;
    }

    private TensorRef tensor(String key, JsonElement e, long dataStart, long dataLen) {
        try {
            JsonObject t = e.getAsJsonObject();
            String dt = t.get("dtype").getAsString();
            TensorDtype dtype = TensorDtype.ofSafetensors(dt);
            if (dtype == null) {
                throw error("tensor '" + key + "' has unsupported safetensors dtype " + dt);
            }
            List<JsonElement> shapeJson = t.getAsJsonArray("shape").asList();
            if (shapeJson.size() > 64) {
                throw error("tensor '" + key + "' has " + shapeJson.size() + " dimensions");
            }
            long[] shape = new long[shapeJson.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw error("tensor '" + key + "' has a negative dimension");
                }
                numel = Math.multiplyExact(numel, shape[i]);
            }
            List<JsonElement> offs = t.getAsJsonArray("data_offsets").asList();
            if (offs.size() != 2) {
                throw error("tensor '" + key + "' data_offsets is not [begin, end]");
            }
            long begin = offs.get(0).getAsLong();
            long end = offs.get(1).getAsLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw error("tensor '" + key + "' data_offsets [" + begin + ", " + end + "] lie outside the "
                        + dataLen + " data bytes");
            }
            if (Math.multiplyExact(numel, (long) dtype.size()) != end - begin) {
                throw error("tensor '" + key + "' of shape " + java.util.Arrays.toString(shape) + " " + dt + " needs "
                        + numel * dtype.size() + " bytes but data_offsets give " + (end - begin));
            }
            if (numel > Integer.MAX_VALUE) {
                throw error("tensor '" + key + "' of " + numel + " elements is larger than supported");
            }
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            StorageRef storage = new StorageRef(key, dtype, numel, key, dataStart + begin);
            return new TensorRef(storage, 0, shape, stride);
        } catch (ArithmeticException | IllegalStateException | UnsupportedOperationException | NullPointerException
                | NumberFormatException | ClassCastException ex) {
            throw error("safetensors header entry '" + key + "' is malformed (" + ex.getMessage() + ")");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private CheckpointException error(String problem) {
        return new CheckpointException(name + ": " + problem);
    }

    /** Tensor data read straight from the file. */
    private final class FileStorages implements StorageSource {
        private final FileChannel channel;

        FileStorages() {
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new CheckpointException(name + ": cannot read (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public ByteBuffer read(StorageRef storage) {
            try {
                channel.position(storage.byteOffset());
                InputStream in = Channels.newInputStream(channel);
                return StorageDecoder.decode(in, storage, ByteOrder.LITTLE_ENDIAN, name);
            } catch (IOException e) {
                throw new CheckpointException(name + ": cannot read tensor '" + storage.key() + "' ("
                        + e.getMessage() + ")", e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only
            }
        }
    }
}
