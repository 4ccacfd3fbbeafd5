package dev.restora.esrgan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ModelCatalog;
import dev.restora.core.models.ModelFile;
import dev.restora.core.parity.ParityFixtures;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.PipelineContext;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.pipeline.RestorationPipeline;
import dev.restora.core.tfjs.ModelFiles;
import dev.restora.core.tfjs.TfjsModelReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's models and catalog: thick x4 is the default and needs no download, every other package/scale is
 * a multi-file entry on jsDelivr with each file's SHA-256 as published (checked against the fixtures'
 * package-files.sha256); the bundled copy matches its pins and loads from inside a jar; a downloaded model loads from
 * the folder the store resolves.
 */
class EsrganProviderTest {
    @TempDir
    Path tmp;

    final EsrganProvider provider = new EsrganProvider();

    @Test
    void thickX4IsTheDefaultAndNeedsNoDownload() {
        PipelineDescriptor d = provider.descriptor();
        assertEquals("esrgan-thick-x4", d.defaultModel().id());
        assertEquals(4, d.defaultModel().scale());
        assertTrue(d.defaultModel().catalogEntryIds().isEmpty());
        assertEquals(12, d.models().size());
        for (ModelOption m : d.models().subList(1, 12)) {
            assertEquals(List.of(m.id()), m.catalogEntryIds(), m.id() + " is a download");
        }
        assertTrue(d.description().contains("classic-image") && d.description().contains("scale=2"),
                "the x2/x3 fallback is explained: " + d.description());
    }

    @Test
    void catalogPinsEveryPublishedFileOnJsDelivr() throws IOException {
        List<CatalogEntry> catalog = provider.catalog();
        assertEquals(11, catalog.size());
        ModelCatalog c = ModelCatalog.fromProviders(List.of(provider));
        Map<String, String> published = published();
        int pinned = 0;
        for (CatalogEntry e : catalog) {
            List<ModelFile> files = c.files(e.id());
            assertFalse(files.isEmpty(), e.id());
            assertEquals("model.json", files.get(0).name());
            assertEquals(files.stream().mapToLong(ModelFile::sizeBytes).sum(), e.sizeBytes());
            EsrganVariant v = EsrganProvider.variant(e.id());
            for (ModelFile f : files) {
                String key = v.npmPackage() + "/models/x" + v.scale() + "/" + f.name();
                assertEquals("https://cdn.jsdelivr.net/npm/" + key, f.url());
                if (published != null) {
                    assertEquals(published.get(key), f.sha256(), key);
                    pinned++;
                }
            }
        }
        if (published != null) {
            assertEquals(published.size() - EsrganVariant.THICK_X4.files().size(), pinned,
                    "every published file but the bundled ones is in the catalog");
        }
    }

    /** package-files.sha256 of the fixtures (hash, two spaces, path), or null when the fixtures are absent. */
    static Map<String, String> published() throws IOException {
        Path f = ParityFixtures.parityRoot().resolve("esrgan/package-files.sha256");
        if (!Files.isRegularFile(f)) {
            if (ParityFixtures.required()) {
                throw new AssertionError(f + " is missing");
            }
            return null;
        }
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(f)) {
            if (!line.isBlank()) {
                out.put(line.substring(66).trim(), line.substring(0, 64));
            }
        }
        return out;
    }

    @Test
    void theBundledModelMatchesItsPinsAndLoadsFromInsideAJar() throws Exception {
        Path jar = tmp.resolve("esrgan-models.jar");
        ClassLoader cl = getClass().getClassLoader();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (ModelFile f : EsrganVariant.THICK_X4.files()) {
                String name = EsrganVariant.THICK_X4.resourceFolder() + "/" + f.name();
                try (InputStream in = cl.getResourceAsStream(name)) {
                    assertNotNull(in, name);
                    byte[] b = in.readAllBytes();
                    assertEquals(f.sizeBytes(), b.length, name);
                    assertEquals(f.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)),
                            name);
                    out.putNextEntry(new JarEntry(name));
                    out.write(b);
                }
            }
        }
        try (URLClassLoader only = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            var m = TfjsModelReader.read(ModelFiles.classpath(only, EsrganVariant.THICK_X4.resourceFolder()));
            assertEquals(154 * 2, m.weights().size());
            assertTrue(only.getResource(EsrganVariant.THICK_X4.resourceFolder() + "/model.json").toString()
                    .startsWith("jar:"), "read in place from the jar");
        }
        assertNotNull(cl.getResource(EsrganVariant.THICK_X4.resourceFolder() + "/LICENSE"),
                "the MIT notice ships beside the weights");
    }

    @Test
    void createsTheBundledAndADownloadedModel() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelOption thick = provider.descriptor().defaultModel();
            try (RestorationPipeline p = provider.create(new PipelineContext(thick, Device.cpu(), m.newSubManager(),
                    id -> {
                        throw new AssertionError("the bundled model needs no store: " + id);
                    }))) {
                assertEquals(4, ((EsrganPipeline) p).model().network().scale());
            }
            // a downloaded model: the store resolves its entry to the folder of model.json and shards
            Path folder = Files.createDirectory(tmp.resolve("esrgan-slim-x2"));
            ClassLoader cl = getClass().getClassLoader();
            for (ModelFile f : EsrganVariant.SLIM_X2.files()) {
                try (InputStream in = cl.getResourceAsStream(EsrganVariant.SLIM_X2.resourceFolder() + "/" + f.name());
                     OutputStream out = Files.newOutputStream(folder.resolve(f.name()))) {
                    in.transferTo(out);
                }
            }
            ModelOption slim = provider.descriptor().requireModel("esrgan-slim-x2");
            try (RestorationPipeline p = provider.create(new PipelineContext(slim, Device.cpu(), m.newSubManager(),
                    id -> {
                        assertEquals("esrgan-slim-x2", id);
                        return folder;
                    }))) {
                assertEquals(2, ((EsrganPipeline) p).model().network().scale());
            }
            ModelOption slim3 = provider.descriptor().requireModel("esrgan-slim-x3");
            RestoraException e = assertThrows(RestoraException.class, () -> provider.create(new PipelineContext(
                    slim3, Device.cpu(), m.newSubManager(), id -> folder)));
            assertTrue(e.getMessage().contains("x3") && e.getMessage().contains(folder.toString()), e.getMessage());
        }
    }
}
