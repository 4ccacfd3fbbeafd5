package dev.restora.app.studio.model;

import dev.restora.core.pipeline.Media;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.restore.MediaFiles;
import java.nio.file.Path;

/**
 * A file (or a pasted image) opened in the studio, decoded.
 *
 * @param path   the file, or null for a pasted image
 * @param name   what the studio shows
 * @param media  the decoded content
 * @param format how it was stored (for saving the result the same way), or null for a pasted image
 */
public record OpenedItem(Path path, String name, Media media, MediaFiles.SourceFormat format) {

    public Modality kind() {
        return media.modality();
    }

    /** "1920 × 1080" or "3.2 s, 16000 Hz, mono". */
    public String summary() {
        if (media instanceof Media.Image img) {
            return img.image().width() + " × " + img.image().height();
        }
        Media.Audio a = (Media.Audio) media;
        return String.format(java.util.Locale.ROOT, "%.1f s · %d Hz · %s", a.clip().seconds(), a.clip().sampleRate(),
                a.clip().channelCount() == 1 ? "mono" : a.clip().channelCount() + " ch");
    }
}
