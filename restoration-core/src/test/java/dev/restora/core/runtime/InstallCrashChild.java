package dev.restora.core.runtime;

import dev.restora.core.diffusion.CancellationToken;
import dev.restora.core.engine.AppDirs;
import dev.restora.core.net.HttpTransfer;
import java.nio.file.Paths;

/** Child of {@link RuntimeInstallerTest}: installs from the mirror and halts while unpacking, before the commit. */
public final class InstallCrashChild {
    static final int HALT_CODE = 42;

    private InstallCrashChild() {
    }

    public static void main(String[] args) {
        RuntimeStore store = RuntimeStore.open(AppDirs.at(Paths.get(args[0])));
        RuntimeInstaller installer = new RuntimeInstaller(store, new HttpTransfer(), new RuntimePlatform("Linux", "amd64"));
        RuntimeInstaller.Plan plan = installer.plan("cpu", RuntimeInstaller.mirror(args[1]), new CancellationToken());
        installer.install(plan, new RuntimeInstaller.Listener() {
            private int unpacking;

            @Override
            public void phase(String what) {
                if (what.startsWith("unpacking") && ++unpacking == 2) { // one file unpacked, the next begun
                    Runtime.getRuntime().halt(HALT_CODE);
                }
            }
        }, new CancellationToken());
    }
}
