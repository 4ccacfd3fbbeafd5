package dev.restora.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes Ctrl-C (SIGINT/SIGTERM) cancel the running job cleanly: the shutdown hook runs {@code cancel}, waits for the
 * command to finish (it deletes its temporary files and reports), then ends the process with
 * {@link ExitCodes#CANCELLED}. Close it when the command is done.
 */
final class CancelOnInterrupt implements AutoCloseable {
    private static final long WAIT_SECONDS = 60;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    CancelOnInterrupt(Runnable cancel) {
        hook = new Thread(() -> {
            cancel.run();
            try {
                done.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(ExitCodes.CANCELLED);
        }, "restora-cancel-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it exits with CANCELLED now that we are done
        }
    }
}
