package dev.restora.core.pipeline;

/** What kind of input a pipeline restores. */
public enum Modality {
    IMAGE,
    SPEECH
}
