package dev.restora.app.architecture.violations;

/** Test fixture: the other exception, one letter from {@link ArchFooException}. */
public class ArchFoeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
}
