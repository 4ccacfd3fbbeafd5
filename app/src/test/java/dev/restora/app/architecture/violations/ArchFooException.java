package dev.restora.app.architecture.violations;

/** Test fixture: one of two exception types whose names are one letter apart. */
public class ArchFooException extends RuntimeException {
    private static final long serialVersionUID = 1L;
}
