package dev.restora.app.studio.model;

import dev.restora.core.diffusion.StepEvent;
import java.time.Duration;
import java.util.Locale;

/**
 * What the progress bar and status line show for a running job.
 *
 * @param fraction  overall fraction done in [0, 1]
 * @param step      1-based step within the stage
 * @param steps     steps per stage
 * @param stageLabel tile / chunk label, or empty
 * @param elapsed   run time
 * @param eta       estimated time left
 * @param device    the lane running it ("cpu", "gpu:0")
 */
public record RunProgress(double fraction, int step, int steps, String stageLabel, Duration elapsed, Duration eta,
                          String device) {
    public static final RunProgress NONE = new RunProgress(0, 0, 0, "", Duration.ZERO, Duration.ZERO, "");

    public static RunProgress of(StepEvent e, String device) {
        String stage = e.stages() > 1 ? (e.stageLabel() == null || e.stageLabel().isEmpty()
                ? "part " + (e.stage() + 1) + "/" + e.stages() : e.stageLabel()) : e.stageLabel();
        return new RunProgress(e.fraction(), e.step() + 1, e.steps(), stage == null ? "" : stage, e.elapsed(), e.eta(),
                device == null ? "" : device);
    }

    /** "step 12/50 · tile 2/4 · 3.1 s elapsed · about 9 s left · cpu". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("step ").append(step).append('/').append(steps);
        if (!stageLabel.isEmpty()) {
            sb.append(" · ").append(stageLabel);
        }
        sb.append(" · ").append(format(elapsed)).append(" elapsed");
        if (fraction < 1) {
            sb.append(" · about ").append(format(eta)).append(" left");
        }
        if (!device.isEmpty()) {
            sb.append(" · ").append(device);
        }
        return sb.toString();
    }

    /** "850 ms", "12.3 s", "4 min 05 s". */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
