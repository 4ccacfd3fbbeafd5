package dev.restora.core.net;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the confirmation page that Google Drive sends instead of a large file ("Google Drive can't scan this file for
 * viruses ... Download anyway"): the address the "Download anyway" button leads to. Current pages hold a GET form
 * ({@code <form id="download-form" action="https://drive.usercontent.google.com/download">} with hidden
 * {@code id}, {@code export}, {@code confirm}, {@code uuid} fields); older ones a link {@code /uc?export=download&
 * confirm=XXXX&id=...}. This is what common download tools (gdown, wget recipes) follow.
 */
public final class DownloadConfirmation {
    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern HREF = Pattern.compile("href\\s*=\\s*[\"']([^\"']*[?&](?:amp;)?confirm=[^\"']*)[\"']",
            Pattern.CASE_INSENSITIVE);

    private DownloadConfirmation() {
    }

    /** The address to fetch the file from, when {@code html} (answered by {@code page}) is a download confirmation. */
    public static Optional<URI> follow(URI page, String html) {
        Matcher f = FORM.matcher(html);
        while (f.find()) {
            String attrs = f.group(1);
            String action = attribute(attrs, "action");
            String method = attribute(attrs, "method");
            if (action == null || method != null && !method.equalsIgnoreCase("get")) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher in = INPUT.matcher(f.group(2));
            while (in.find()) {
                String type = attribute(in.group(1), "type");
                String name = attribute(in.group(1), "name");
                if (name != null && type != null && type.equalsIgnoreCase("hidden")) {
                    String value = attribute(in.group(1), "value");
                    fields.put(name, value == null ? "" : value);
                }
            }
            boolean confirmForm = fields.containsKey("confirm") || attribute(attrs, "id") != null
                    && attribute(attrs, "id").toLowerCase(Locale.ROOT).contains("download");
            if (!confirmForm) {
                continue;
            }
            StringBuilder query = new StringBuilder();
            for (Map.Entry<String, String> e : fields.entrySet()) {
                query.append(query.length() == 0 ? "" : "&").append(encode(e.getKey())).append('=')
                        .append(encode(e.getValue()));
            }
            String target = unescape(action);
            String sep = target.contains("?") ? "&" : "?";
            return Optional.of(page.resolve(query.length() == 0 ? target : target + sep + query));
        }
        Matcher h = HREF.matcher(html);
        if (h.find()) {
            return Optional.of(page.resolve(unescape(h.group(1))));
        }
        return Optional.empty();
    }

    private static String attribute(String attrs, String name) {
        Matcher m = Pattern.compile("(?:^|\\s)" + name + "\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))",
                Pattern.CASE_INSENSITIVE).matcher(attrs);
        if (!m.find()) {
            return null;
        }
        String v = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        return unescape(v);
    }

    private static String unescape(String s) {
        return s.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
