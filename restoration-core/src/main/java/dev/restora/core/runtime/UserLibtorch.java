package dev.restora.core.runtime;

import dev.restora.core.RestoraException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a libtorch the user already has ({@code restora gpu use DIR}): the official
 * {@code libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip} (Linux) or {@code libtorch-win-shared-with-deps-2.7.1+cu128.zip}
 * unpacked. DIR is the {@code libtorch} folder (with {@code build-version} and {@code lib/}) or its {@code lib}
 * folder. It must be exactly version {@value RuntimePlatform#PYTORCH_VERSION} (DJL's JNI library is built against it),
 * use the C++11 ABI on Linux (DJL 0.35.1 ships no pre-C++11 JNI for 2.7.1), be a flavor DJL has a JNI library for on
 * this machine, and hold the libraries.
 */
public final class UserLibtorch {
    private static final Pattern LIBRARY = Pattern.compile(".*\\.(so(\\.\\d+)*|dll|dylib)");

    private UserLibtorch() {
    }

    /** The runtime in {@code dir}, with every library's size and SHA-256; a clear message when it does not fit. */
    public static NativeRuntime check(Path dir, RuntimePlatform platform) {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new RestoraException(d + " is not a folder; give the unpacked libtorch folder");
        }
        Path root = Files.isDirectory(d.resolve("lib")) ? d : d.getParent();
        Path lib = Files.isDirectory(d.resolve("lib")) ? d.resolve("lib") : d;
        Path versionFile = root == null ? null : root.resolve("build-version");
        if (versionFile == null || !Files.isRegularFile(versionFile)) {
            throw new RestoraException(d + " has no build-version file: it is not an unpacked official libtorch zip"
                    + " (expected libtorch/build-version and libtorch/lib/)");
        }
        String build = read(versionFile).trim();
        String version = build.contains("+") ? build.substring(0, build.indexOf('+')) : build;
        if (!version.equals(RuntimePlatform.PYTORCH_VERSION)) {
            throw new RestoraException(d + " holds libtorch " + build + ", but Restora needs exactly "
                    + RuntimePlatform.PYTORCH_VERSION + " (DJL " + RuntimePlatform.DJL_VERSION
                    + "'s JNI library is built for it); download libtorch " + RuntimePlatform.PYTORCH_VERSION
                    + " or run: restora gpu install");
        }
        String flavor = build.contains("+") ? build.substring(build.indexOf('+') + 1).toLowerCase(Locale.ROOT) : "cpu";
        if (!platform.flavors().contains(flavor)) {
            throw new RestoraException(d + " is the " + flavor + " build of libtorch; on " + platform.classifier()
                    + " DJL " + RuntimePlatform.DJL_VERSION + " can run " + String.join(" or ", platform.flavors()));
        }
        if (!platform.isWindows() && !platform.isMac()) {
            Path cmake = root.resolve("share/cmake/Torch/TorchConfig.cmake");
            String text = Files.isRegularFile(cmake) ? read(cmake) : "";
            if (text.contains("_GLIBCXX_USE_CXX11_ABI=0")) {
                throw new RestoraException(d + " is a pre-C++11-ABI build of libtorch; use the cxx11-abi zip"
                        + " (libtorch-cxx11-abi-shared-with-deps-" + build + ".zip)");
            }
            if (!text.contains("_GLIBCXX_USE_CXX11_ABI=1")) {
                throw new RestoraException(d + ": cannot tell the C++ ABI (share/cmake/Torch/TorchConfig.cmake is"
                        + " missing or does not say); use the official cxx11-abi zip unpacked as it is");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : platform.requiredLibraries(flavor)) {
            if (!Files.isRegularFile(lib.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new RestoraException(lib + " lacks " + String.join(", ", missing) + " (needed by the " + flavor
                    + " build)");
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(lib)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> LIBRARY.matcher(n).matches()).sorted().forEach(names::add);
            return new NativeRuntime(lib, version, flavor, platform.classifier(), "user", d.toString(),
                    RuntimeStore.record(lib, names));
        } catch (IOException e) {
            throw new RestoraException("cannot read " + lib + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RestoraException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
