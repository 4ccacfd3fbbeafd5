package dev.restora.core.pipeline;

import dev.restora.audio.AudioClip;
import dev.restora.core.image.ImageBuffer;

/** The input or output of a pipeline run: an image or a speech recording, already decoded. */
public sealed interface Media permits Media.Image, Media.Audio {

    Modality modality();

    static Media of(ImageBuffer image) {
        return new Image(image);
    }

    static Media of(AudioClip clip) {
        return new Audio(clip);
    }

    record Image(ImageBuffer image) implements Media {
        @Override
        public Modality modality() {
            return Modality.IMAGE;
        }
    }

    record Audio(AudioClip clip) implements Media {
        @Override
        public Modality modality() {
            return Modality.SPEECH;
        }
    }
}
