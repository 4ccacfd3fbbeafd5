package dev.restora.app.studio.model;

import java.nio.file.Path;

/** A file that could not be opened, with the reason shown to the user. */
public record OpenProblem(Path path, String reason) {
}
