package dev.restora.core.plugins;

import dev.restora.core.RestoraException;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines available to this run: the {@link PipelineProvider}s found with {@link ServiceLoader} on the class
 * path plus those in jars dropped into the user's plugin folder (one {@link URLClassLoader} per jar, so one broken
 * jar cannot hide another). A broken plugin (a bad service entry, a provider whose constructor or
 * {@link PipelineProvider#descriptor()} throws, a duplicate id) is logged, recorded in {@link #problems()} and
 * skipped; it is never fatal. Immutable once built.
 */
public final class PipelineRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);
    /** Stops a loader that keeps failing on the same entry from looping for ever. */
    private static final int MAX_ERRORS_PER_LOADER = 100;

    private final Map<String, Registered> byId;
    private final List<String> problems;

    /**
     * A provider with its descriptor, read once when the registry was built.
     *
     * @param source where it came from: "class path" or the plugin jar
     */
    public record Registered(PipelineProvider provider, PipelineDescriptor descriptor, String source) {
    }

    private PipelineRegistry(Map<String, Registered> byId, List<String> problems) {
        this.byId = Collections.unmodifiableMap(byId);
        this.problems = List.copyOf(problems);
    }

    /** Providers on the class path of this library only. */
    public static PipelineRegistry load() {
        return load(null);
    }

    /**
     * Providers on the class path plus the jars directly inside {@code pluginFolder} (ignored when null or absent).
     */
    public static PipelineRegistry load(Path pluginFolder) {
        Builder b = new Builder();
        ClassLoader base = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElse(PipelineRegistry.class.getClassLoader());
        b.scan(ServiceLoader.load(PipelineProvider.class, base), "class path", null);
        if (pluginFolder != null && Files.isDirectory(pluginFolder)) {
            for (Path jar : jarsIn(pluginFolder, b)) {
                URLClassLoader loader;
                try {
                    loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                            PipelineRegistry.class.getClassLoader());
                } catch (MalformedURLException e) {
                    b.problem(jar + ": cannot be opened as a plugin (" + e.getMessage() + ")", e);
                    continue;
                }
                b.scan(ServiceLoader.load(PipelineProvider.class, loader), jar.toString(), loader);
            }
        }
        return new PipelineRegistry(b.found, b.problems);
    }

    /** A registry of exactly these providers (tests, embedding); same skipping rules. */
    public static PipelineRegistry of(List<? extends PipelineProvider> providers) {
        Builder b = new Builder();
        for (PipelineProvider p : providers) {
            b.add(p, "given");
        }
        return new PipelineRegistry(b.found, b.problems);
    }

    private static List<Path> jarsIn(Path folder, Builder b) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    jars.add(p);
                }
            }
        } catch (IOException e) {
            b.problem(folder + ": cannot list plugins (" + e.getMessage() + ")", e);
        }
        jars.sort(Comparator.comparing(Path::toString));
        return jars;
    }

    /** All pipelines, in discovery order. */
    public List<Registered> all() {
        return List.copyOf(byId.values());
    }

    public List<PipelineDescriptor> descriptors() {
        return byId.values().stream().map(Registered::descriptor).toList();
    }

    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    public Optional<Registered> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The pipeline with that id, or a {@link RestoraException} listing the known ids. */
    public Registered require(String id) {
        Registered r = byId.get(id);
        if (r == null) {
            throw new RestoraException("no pipeline '" + id + "'; known pipelines: "
                    + (byId.isEmpty() ? "none" : String.join(", ", byId.keySet())));
        }
        return r;
    }

    /** Pipelines taking that kind of input, in discovery order. */
    public List<Registered> byModality(Modality modality) {
        return byId.values().stream().filter(r -> r.descriptor().modality() == modality).toList();
    }

    /**
     * The catalog entries of every pipeline, one per entry id (the first provider that declares an id wins; a
     * provider whose {@code catalog()} throws is skipped and logged).
     */
    public Map<String, CatalogEntry> catalog() {
        Map<String, CatalogEntry> out = new LinkedHashMap<>();
        for (Registered r : byId.values()) {
            List<CatalogEntry> entries;
            try {
                entries = r.provider().catalog();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("pipeline {} ({}): catalog() failed, its models are not listed: {}", r.descriptor().id(),
                        r.source(), e.toString());
                continue;
            }
            for (CatalogEntry e : entries == null ? List.<CatalogEntry>of() : entries) {
                CatalogEntry prev = out.putIfAbsent(e.id(), e);
                if (prev != null && !prev.equals(e)) {
                    LOG.warn("catalog entry {} is declared differently by pipeline {}; keeping the first", e.id(),
                            r.descriptor().id());
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** What was skipped while loading, one user-readable line each (empty when every plugin loaded). */
    public List<String> problems() {
        return problems;
    }

    private static final class Builder {
        final Map<String, Registered> found = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();

        void problem(String message, Throwable cause) {
            problems.add(message);
            LOG.warn("plugin skipped: {}", message);
            LOG.debug("plugin failure", cause);
        }

        /** @param only when not null, only providers whose class this loader defined (skips the parent's). */
        void scan(ServiceLoader<PipelineProvider> loader, String source, ClassLoader only) {
            Iterator<PipelineProvider> it = loader.iterator();
            int errors = 0;
            while (errors < MAX_ERRORS_PER_LOADER) {
                PipelineProvider p;
                try {
                    if (!it.hasNext()) {
                        return;
                    }
                    p = it.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    errors++;
                    problem(source + ": a pipeline plugin could not be loaded (" + e.getMessage() + ")", e);
                    continue;
                }
                if (only != null && p.getClass().getClassLoader() != only) {
                    continue;
                }
                add(p, source);
            }
            problem(source + ": too many broken plugin entries, stopped reading it", null);
        }

        void add(PipelineProvider p, String source) {
            PipelineDescriptor d;
            try {
                d = p.descriptor();
                if (d == null) {
                    throw new IllegalStateException("descriptor() returned null");
                }
            } catch (RuntimeException | LinkageError e) {
                problem(source + ": pipeline plugin " + p.getClass().getName() + " is broken (" + e + ")", e);
                return;
            }
            Registered prev = found.get(d.id());
            if (prev != null) {
                if (prev.provider().getClass() != p.getClass()) {
                    problem(source + ": pipeline id '" + d.id() + "' of " + p.getClass().getName()
                            + " is already taken by " + prev.provider().getClass().getName() + " (" + prev.source()
                            + ")", null);
                }
                return;
            }
            found.put(d.id(), new Registered(p, d, source));
        }
    }
}
