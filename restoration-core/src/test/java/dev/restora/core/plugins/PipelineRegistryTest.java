package dev.restora.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.pipeline.Modality;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.PipelineProvider;
import dev.restora.core.pipeline.RestorationPipeline;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRegistryTest {
    private static final String SERVICE = "META-INF/services/" + PipelineProvider.class.getName();

    @TempDir
    Path dir;

    static PipelineProvider provider(String id, Modality modality, List<CatalogEntry> catalog) {
        PipelineDescriptor d = new PipelineDescriptor(id, id, modality, "",
                List.of(new ModelOption("m", "M", catalog.stream().map(CatalogEntry::id).toList(), 1, "")), List.of());
        return new PipelineProvider() {
            @Override
            public PipelineDescriptor descriptor() {
                return d;
            }

            @Override
            public List<CatalogEntry> catalog() {
                return catalog;
            }

            @Override
            public RestorationPipeline create(PipelineContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Compiles {@code source} (class {@code pkg.Name}) into a plugin jar that registers it as a provider. */
    private Path pluginJar(String jarName, String className, String source) throws IOException {
        Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes-" + jarName));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d",
                classes.toString(), src.toString());
        assertEquals(0, rc, "test plugin compiles");
        Path jar = Files.createDirectories(dir.resolve("plugins")).resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files =
                Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(SERVICE));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static String providerSource(String pkg, String cls, String id, String descriptorBody) {
        return "package " + pkg + ";\n"
                + "import dev.restora.core.pipeline.*;\nimport java.util.List;\n"
                + "public class " + cls + " implements PipelineProvider {\n"
                + "  public PipelineDescriptor descriptor() {\n" + descriptorBody + "\n"
                + "    return new PipelineDescriptor(\"" + id + "\", \"Plugin " + id + "\", Modality.SPEECH, \"from a jar\","
                + " List.of(new ModelOption(\"m\", \"M\", List.of(), 1, \"\")), List.of());\n  }\n"
                + "  public RestorationPipeline create(PipelineContext c) { throw new UnsupportedOperationException(); }\n"
                + "}\n";
    }

    @Test
    void loadsPluginJarsAndSkipsBrokenOnes() throws Exception {
        pluginJar("a-good.jar", "plug.good.GoodProvider", providerSource("plug.good", "GoodProvider", "jar-speech", ""));
        pluginJar("b-throws.jar", "plug.bad.ThrowingProvider", providerSource("plug.bad", "ThrowingProvider", "never",
                "if (true) throw new IllegalStateException(\"descriptor exploded\");"));
        // a service entry naming a class that is not there
        Path missing = dir.resolve("plugins").resolve("c-missing-class.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(missing))) {
            out.putNextEntry(new JarEntry(SERVICE));
            out.write("plug.nowhere.Ghost\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        // not a jar at all
        try (OutputStream out = Files.newOutputStream(dir.resolve("plugins").resolve("d-junk.jar"))) {
            out.write("this is not a zip file".getBytes(StandardCharsets.UTF_8));
        }
        // the same id as the good plugin
        pluginJar("e-dup.jar", "plug.dup.DupProvider", providerSource("plug.dup", "DupProvider", "jar-speech", ""));

        PipelineRegistry reg = PipelineRegistry.load(dir.resolve("plugins"));
        assertEquals(List.of("jar-speech"), reg.ids());
        PipelineRegistry.Registered r = reg.require("jar-speech");
        assertEquals("plug.good.GoodProvider", r.provider().getClass().getName());
        assertTrue(r.source().endsWith("a-good.jar"), r.source());
        assertEquals(List.of(r), reg.byModality(Modality.SPEECH));
        assertEquals(List.of(), reg.byModality(Modality.IMAGE));
        String problems = String.join("\n", reg.problems());
        assertTrue(problems.contains("b-throws.jar") && problems.contains("descriptor exploded"), problems);
        assertTrue(problems.contains("c-missing-class.jar") && problems.contains("plug.nowhere.Ghost"), problems);
        assertTrue(problems.contains("e-dup.jar") && problems.contains("already taken"), problems);
    }

    @Test
    void absentPluginFolderIsFine() {
        PipelineRegistry reg = PipelineRegistry.load(dir.resolve("nothing-here"));
        assertEquals(List.of(), reg.problems());
    }

    @Test
    void lookupByIdListsTheKnownIdsAndTheCatalogIsAggregated() {
        CatalogEntry w1 = new CatalogEntry("w1", "w1.pth", "https://example.invalid/w1", 10, null, "MIT", false, "");
        CatalogEntry w2 = new CatalogEntry("w2", "w2.ckpt", "https://example.invalid/w2", -1, null, "MIT", true, "");
        PipelineProvider broken = new PipelineProvider() {
            @Override
            public PipelineDescriptor descriptor() {
                throw new IllegalStateException("boom");
            }

            @Override
            public RestorationPipeline create(PipelineContext context) {
                throw new UnsupportedOperationException();
            }
        };
        PipelineRegistry reg = PipelineRegistry.of(List.of(provider("img", Modality.IMAGE, List.of(w1)), broken,
                provider("speech", Modality.SPEECH, List.of(w1, w2))));
        assertEquals(List.of("img", "speech"), reg.ids());
        assertEquals(1, reg.problems().size());
        RestoraException e = assertThrows(RestoraException.class, () -> reg.require("sgmse"));
        assertEquals("no pipeline 'sgmse'; known pipelines: img, speech", e.getMessage());
        Map<String, CatalogEntry> catalog = reg.catalog();
        assertEquals(List.of("w1", "w2"), List.copyOf(catalog.keySet()));
        assertEquals(w2, catalog.get("w2"));
        assertEquals("img", reg.byModality(Modality.IMAGE).get(0).descriptor().id());
    }
}
