package dev.restora.app.studio;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.animation.AnimationTimer;

/**
 * Measures the UI thread while work streams in: pulse gaps (an {@link AnimationTimer}), the UI thread's CPU time per
 * pulse, and 2 ms stack samples of the UI thread looking for DJL calls or waits on jobs. A control thread sleeping 2 ms
 * in a loop records the machine's own scheduling delays, so a pulse gap can be told apart from a starved machine.
 * Start and stop on the UI thread.
 */
final class ResponsivenessProbe {
    /** What was measured. */
    record Report(long pulses, double worstGapMs, double worstCpuMs, double worstRenderCpuMs,
                  double worstUnexplainedGapMs, long samples, List<String> violations) {
    }

    private record Gap(long start, long end, long cpu, long renderCpu) {
    }

    private record Stall(long start, long end) {
    }

    private final ThreadMXBean mx;
    private final long fxThread;
    private final List<Gap> gaps = new CopyOnWriteArrayList<>();
    private final List<Stall> stalls = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private long samples;
    private long lastPulse;
    private long lastCpu;
    private long lastRenderCpu;
    private final long renderThread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("QuantumRenderer")).mapToLong(Thread::getId).findFirst().orElse(-1);
    private long pulses;
    private Thread sampler;
    private Thread control;
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            long t = System.nanoTime();
            long cpu = mx.getCurrentThreadCpuTime();
            long render = renderThread < 0 ? 0 : mx.getThreadCpuTime(renderThread);
            if (lastPulse != 0) {
                gaps.add(new Gap(lastPulse, t, cpu - lastCpu, render - lastRenderCpu));
            }
            lastPulse = t;
            lastCpu = cpu;
            lastRenderCpu = render;
            pulses++;
        }
    };

    ResponsivenessProbe(ThreadMXBean mx, long fxThread) {
        this.mx = mx;
        this.fxThread = fxThread;
    }

    void start() {
        running = true;
        sampler = new Thread(() -> {
            while (running) {
                ThreadInfo info = mx.getThreadInfo(fxThread, 40);
                samples++;
                if (info != null) {
                    for (StackTraceElement e : info.getStackTrace()) {
                        String c = e.getClassName();
                        if (c.startsWith("ai.djl.") || c.equals("dev.restora.core.jobs.Job") && e.getMethodName()
                                .equals("await") || c.startsWith("java.util.concurrent.CompletableFuture")
                                && (e.getMethodName().equals("get") || e.getMethodName().equals("join"))) {
                            violations.add(c + "." + e.getMethodName() + " (" + info.getThreadState() + ")");
                            break;
                        }
                    }
                }
                sleep(2);
            }
        }, "ui-stack-sampler");
        sampler.setDaemon(true);
        control = new Thread(() -> {
            while (running) {
                long t0 = System.nanoTime();
                sleep(2);
                long t1 = System.nanoTime();
                if (t1 - t0 > 20_000_000L) {
                    stalls.add(new Stall(t0, t1));
                }
            }
        }, "machine-stall-control");
        control.setDaemon(true);
        sampler.start();
        control.start();
        timer.start();
    }

    void stop() throws InterruptedException {
        timer.stop();
        running = false;
        sampler.join(1000);
        control.join(1000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Report report() {
        double worstGap = 0;
        double worstCpu = 0;
        double worstRender = 0;
        double worstUnexplained = 0;
        for (Gap g : gaps) {
            double ms = (g.end() - g.start()) / 1e6;
            worstGap = Math.max(worstGap, ms);
            worstCpu = Math.max(worstCpu, g.cpu() / 1e6);
            worstRender = Math.max(worstRender, g.renderCpu() / 1e6);
            // the part of the gap the machine did not steal: subtract the longest control-thread stall inside it
            long stolen = 0;
            for (Stall s : stalls) {
                long a = Math.max(s.start(), g.start());
                long b = Math.min(s.end(), g.end());
                if (b > a) {
                    stolen = Math.max(stolen, b - a);
                }
            }
            worstUnexplained = Math.max(worstUnexplained, ms - stolen / 1e6);
        }
        return new Report(pulses, worstGap, worstCpu, worstRender, worstUnexplained, samples, new ArrayList<>(violations));
    }
}
