package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.core.RestoraException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineSetupTest {

    @Test
    void configureForcesOfflineKeepsPresetFoldersAndIsIdempotent() {
        String presetCache = System.getProperty(EngineSetup.CACHE_DIR);
        EngineSetup.Report r = EngineSetup.configure();
        assertEquals("true", System.getProperty(EngineSetup.OFFLINE));
        if (presetCache != null) {
            assertEquals(Paths.get(presetCache), r.cacheDir(), "a folder set by the launcher or build is kept");
        }
        assertTrue(Files.isDirectory(r.cacheDir()));
        assertTrue(Files.isDirectory(r.jnaTmp()));
        assertEquals(Integer.toString(r.intraOpThreads()), System.getProperty(EngineSetup.NUM_THREADS));
        assertEquals(Integer.toString(r.interOpThreads()), System.getProperty(EngineSetup.NUM_INTEROP_THREADS));
        assertTrue(r.intraOpThreads() >= 1 && r.interOpThreads() >= 1);
        assertSame(r, EngineSetup.configure(new EngineSetup.Config(7, 7)), "the engine reads the settings once");
        assertSame(r, EngineSetup.current());
    }

    @Test
    void libraryFolderWithoutLibtorchIsAClearError(@TempDir Path dir) throws Exception {
        RestoraException e = assertThrows(RestoraException.class,
                () -> EngineSetup.checkLibraryFolder(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
        Files.writeString(dir.resolve("readme.txt"), "x");
        e = assertThrows(RestoraException.class, () -> EngineSetup.checkLibraryFolder(dir));
        assertTrue(e.getMessage().startsWith("PYTORCH_LIBRARY_PATH names " + dir + ", which holds no libtorch"),
                e.getMessage());
        Files.writeString(dir.resolve("libtorch.so"), "");
        EngineSetup.checkLibraryFolder(dir);
    }

    @Test
    void onednnAdviceOnlyWhenAmxIsAdvertisedAndTheVariableIsMissing() {
        String amx = "flags : fpu avx2 avx512f amx_bf16 amx_tile amx_int8";
        assertTrue(EngineSetup.onednnAdvice(null, amx).orElseThrow().contains("ONEDNN_MAX_CPU_ISA=AVX512_CORE_FP16"));
        assertTrue(EngineSetup.onednnAdvice("AVX512_CORE_FP16", amx).isEmpty());
        assertTrue(EngineSetup.onednnAdvice(null, "flags : fpu avx2").isEmpty());
    }

    @Test
    void threadConfigMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new EngineSetup.Config(0, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineSetup.Config(null, -1));
    }

    @Test
    void appDirsFollowEachPlatformsConvention() {
        String home = "/home/ann";
        assertEquals(Paths.get("/opt/restora-data"), AppDirs.resolveHome("/opt/restora-data", "Linux", home, Map.of()));
        assertEquals(Paths.get(home, ".local", "share", "restora"), AppDirs.resolveHome(null, "Linux", home, Map.of()));
        assertEquals(Paths.get("/xdg", "restora"),
                AppDirs.resolveHome(null, "Linux", home, Map.of("XDG_DATA_HOME", "/xdg")));
        assertEquals(Paths.get(home, ".local", "share", "restora"),
                AppDirs.resolveHome(null, "Linux", home, Map.of("XDG_DATA_HOME", "relative")),
                "the XDG spec ignores relative paths");
        assertEquals(Paths.get(home, "Library", "Application Support", "Restora"),
                AppDirs.resolveHome(null, "Mac OS X", home, Map.of()));
        assertEquals(Paths.get("C:\\Users\\ann\\AppData\\Local", "Restora"),
                AppDirs.resolveHome(null, "Windows 11", home, Map.of("LOCALAPPDATA", "C:\\Users\\ann\\AppData\\Local")));
        assertEquals(Paths.get(home, "AppData", "Local", "Restora"),
                AppDirs.resolveHome(null, "Windows 11", home, Map.of()));
        AppDirs d = AppDirs.at(Paths.get("/data/r"));
        assertEquals(Paths.get("/data/r/models"), d.models());
        assertEquals(Paths.get("/data/r/djl-cache"), d.djlCache());
        assertEquals(Paths.get("/data/r/plugins"), d.plugins());
        assertEquals(Paths.get("/data/r/tmp"), d.tmp());
    }
}
