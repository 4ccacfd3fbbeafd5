package dev.restora.sgmse;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.restora.core.parity.ParityFixtures;
import java.nio.file.Path;

/** Checkpoint lookup for parity cases: the case's {@code checkpoint} field names the file (text after it ignored). */
final class Models {
    private Models() {
    }

    /** The checkpoint file a case uses: its {@code checkpoint} field, else the manifest's first checkpoint. */
    static Path checkpointOf(ParityFixtures fx, JsonObject c) {
        String name = c.has("checkpoint") && !c.get("checkpoint").isJsonNull()
                ? c.get("checkpoint").getAsString().trim().split("\\s+")[0] : null;
        if (name == null) {
            for (JsonElement e : fx.manifest().getAsJsonArray("checkpoints")) {
                name = e.getAsJsonObject().get("file").getAsString();
                break;
            }
        }
        return fx.file(name);
    }

    static LoadedCheckpoint read(Path file, NDManager m) {
        return LoadedCheckpoint.read(file, m);
    }
}
