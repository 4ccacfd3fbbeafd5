package dev.restora.core.batch;

import dev.restora.core.RestoraException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Output names from a template: {@code {name}}, {@code {ext}}, {@code {pipeline}}, {@code {model}},
 * {@code {scale}}. The template names a file, not a folder: the mirrored input folders supply the directories.
 *
 * @param pipeline pipeline id (for {@code {pipeline}})
 * @param model    model id (for {@code {model}})
 * @param scale    output/input size ratio (for {@code {scale}})
 */
public record BatchNaming(String pipeline, String model, int scale) {
    private static final Pattern TOKEN = Pattern.compile("\\{([^{}]*)}");
    private static final Set<String> TOKENS = Set.of("name", "ext", "pipeline", "model", "scale");
    private static final Set<String> WRITABLE_IMAGES = Set.of("png", "jpg", "jpeg", "tif", "tiff");
    private static final Set<String> AUDIO = Set.of("wav", "flac", "mp3", "ogg", "aiff", "aif");

    /** A {@link RestoraException} for an unknown token or a template that would leave the output folder. */
    public static void checkTemplate(String template) {
        Matcher m = TOKEN.matcher(template);
        while (m.find()) {
            if (!TOKENS.contains(m.group(1))) {
                throw new RestoraException("unknown token {" + m.group(1) + "} in the naming template '" + template
                        + "'; use {name}, {ext}, {pipeline}, {model}, {scale}");
            }
        }
        if (template.contains("/") || template.contains("\\") || template.isBlank()) {
            throw new RestoraException("the naming template '" + template + "' must name a file, without folders");
        }
        if (!template.contains("{name}")) {
            throw new RestoraException("the naming template '" + template
                    + "' must contain {name}, or every input would get the same output name");
        }
    }

    /** The output extension for an input file name: {@code format} when given, else the input's when writable. */
    public static String outputExtension(String inputFileName, String format) {
        if (format != null && !format.isBlank()) {
            return format.toLowerCase(Locale.ROOT);
        }
        String ext = extension(inputFileName);
        if (WRITABLE_IMAGES.contains(ext)) {
            return ext;
        }
        return AUDIO.contains(ext) ? "wav" : "png";
    }

    /** The lower-case extension of a file name without the dot ("" when it has none). */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    /** A file name without its extension. */
    public static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** The output file name for an input file name. */
    public String apply(String template, String inputFileName, String format) {
        checkTemplate(template);
        String ext = outputExtension(inputFileName, format);
        Matcher m = TOKEN.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "name" -> baseName(inputFileName);
                case "ext" -> ext;
                case "pipeline" -> safe(pipeline);
                case "model" -> safe(model);
                case "scale" -> String.valueOf(scale);
                default -> throw new IllegalStateException(m.group(1));
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        String name = sb.toString();
        if (!template.contains("{ext}") && !name.toLowerCase(Locale.ROOT).endsWith("." + ext)) {
            name = name + "." + ext;
        }
        return name;
    }

    private static String safe(String s) {
        return s == null || s.isBlank() ? "default" : s.replaceAll("[\\\\/:*?\"<>|]", "_");
    }
}
