package dev.restora.app.studio.view;

import dev.restora.app.studio.audio.AudioOutput;
import dev.restora.app.studio.audio.AudioPlayer;
import dev.restora.app.studio.model.AudioAnalysis;
import dev.restora.app.studio.model.Pixels;
import dev.restora.core.diffusion.PreviewFrame;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * Speech before/after: waveform and spectrogram of the input and of the output (the live spectrogram preview while a
 * run goes on), with A/B playback that switches between input, output and the removed part (input minus output) at
 * the same position. Analysis runs on the background executor; playback is skipped where no audio line exists.
 */
public final class AudioCompareView extends VBox {
    private final Executor background;
    private final Track input = new Track("Input");
    private final Track output = new Track("Output");
    private final AudioPlayer player;
    private final ToggleGroup which = new ToggleGroup();
    private final ToggleButton a = new ToggleButton("A · input");
    private final ToggleButton b = new ToggleButton("B · output");
    private final ToggleButton removed = new ToggleButton("Removed");
    private final Button play = new Button("Play");
    private final Label position = new Label("0.0 s");
    private final Label note = new Label();
    private float[] inSamples;
    private float[] outSamples;
    private float[] removedSamples;
    private int rate = 16000;
    private final AnimationTimer playhead = new AnimationTimer() {
        @Override
        public void handle(long now) {
            updatePlayhead();
        }
    };

    /** @param audioOutput where playback goes (Java Sound's mixer in the app) */
    public AudioCompareView(Executor background, AudioOutput audioOutput) {
        this.background = background;
        this.player = new AudioPlayer(audioOutput);
        getStyleClass().add("audio-compare");
        setSpacing(8);
        setPadding(new Insets(10, 12, 10, 12));
        setMinHeight(0);
        a.setToggleGroup(which);
        b.setToggleGroup(which);
        removed.setToggleGroup(which);
        a.setSelected(true);
        a.getStyleClass().add("segment");
        b.getStyleClass().add("segment");
        removed.getStyleClass().add("segment");
        which.selectedToggleProperty().addListener((o, x, y) -> {
            if (y == null) {
                x.setSelected(true);
                return;
            }
            if (player.isPlaying()) {
                float[] s = current();
                if (s != null) {
                    player.switchTo(s);
                }
            }
        });
        play.getStyleClass().add("accent");
        play.setGraphic(Icons.of(Icons.PLAY, 14));
        play.setOnAction(e -> togglePlay());
        HBox controls = new HBox(8, play, a, b, removed, position, note);
        controls.getStyleClass().add("audio-controls");
        controls.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        note.getStyleClass().add("muted");
        getChildren().addAll(controls, input, output);
        VBox.setVgrow(input, Priority.ALWAYS);
        VBox.setVgrow(output, Priority.ALWAYS);
        input.setOnSeek(this::seek);
        output.setOnSeek(this::seek);
        updateButtons();
    }

    public AudioPlayer player() {
        return player;
    }

    private float[] current() {
        if (which.getSelectedToggle() == b) {
            return outSamples;
        }
        if (which.getSelectedToggle() == removed) {
            return removedSamples;
        }
        return inSamples;
    }

    private void updateButtons() {
        b.setDisable(outSamples == null);
        removed.setDisable(removedSamples == null);
    }

    /** Plays or stops; the note says when this machine has no audio output. */
    public void togglePlay() {
        if (player.isPlaying()) {
            player.stop();
            playhead.stop();
            play.setText("Play");
            play.setGraphic(Icons.of(Icons.PLAY, 14));
            return;
        }
        float[] s = current();
        if (s == null) {
            return;
        }
        if (player.position() >= s.length) {
            player.seek(0);
        }
        if (player.play(s, rate)) {
            play.setText("Stop");
            play.setGraphic(Icons.of(Icons.STOP, 14));
            playhead.start();
            note.setText("");
        } else {
            note.setText("no audio output on this machine");
        }
    }

    private void seek(double fraction) {
        if (inSamples != null) {
            player.seek((long) (fraction * inSamples.length));
            updatePlayhead();
        }
    }

    private void updatePlayhead() {
        if (inSamples == null) {
            return;
        }
        double f = player.position() / (double) Math.max(1, inSamples.length);
        input.setPlayhead(f);
        output.setPlayhead(f);
        position.setText(String.format(Locale.ROOT, "%.1f s", player.position() / (double) rate));
        if (!player.isPlaying()) {
            playhead.stop();
            play.setText("Play");
            play.setGraphic(Icons.of(Icons.PLAY, 14));
        }
    }

    /** The input recording (mono). */
    public void setInput(float[] samples, int sampleRate) {
        inSamples = samples;
        rate = sampleRate;
        input.analyse(samples, background);
        updateButtons();
    }

    /** The output, aligned to the input's rate and length; null clears it. */
    public void setOutput(float[] aligned) {
        setOutput(aligned, "Output");
    }

    /** The output with its track's title (e.g. saying it is an approximate preview). */
    public void setOutput(float[] aligned, String title) {
        output.setName(title);
        b.setText(title.equals("Output") ? "B · output" : "B · preview");
        outSamples = aligned;
        removedSamples = aligned == null || inSamples == null ? null : AudioAnalysis.removed(inSamples, aligned);
        if (aligned == null) {
            output.clear();
        } else {
            output.analyse(aligned, background);
        }
        if (aligned == null && which.getSelectedToggle() != a) {
            a.setSelected(true);
        }
        updateButtons();
    }

    /** Shows a live spectrogram preview in the output row. */
    public void setPreview(PreviewFrame.Spectrogram s) {
        output.showSpectrogram(FxImages.of(Pixels.of(s)), "Output · " + s.label());
    }

    /** The output track's title ("Output", or one saying the result is a preview). */
    public String outputTitle() {
        return output.name();
    }

    public void stop() {
        player.stop();
        playhead.stop();
    }

    /** One recording: title, waveform and spectrogram. */
    static final class Track extends VBox {
        private final Label title = new Label();
        private String name;
        private final Canvas wave = new Canvas(600, 56);
        private final ImageView spec = new ImageView();
        private final Pane specPane = new Pane(spec);
        private final Canvas head = new Canvas(600, 1);
        private float[] peaks;
        private double playhead = -1;
        private java.util.function.DoubleConsumer onSeek = f -> { };

        Track(String name) {
            this.name = name;
            getStyleClass().add("track");
            setSpacing(4);
            title.setText(name);
            title.getStyleClass().add("track-title");
            Pane wavePane = new Pane(wave);
            wavePane.setMinHeight(56);
            wavePane.setPrefHeight(56);
            wave.widthProperty().bind(wavePane.widthProperty());
            wave.widthProperty().addListener((o, x, y) -> drawWave());
            specPane.getStyleClass().add("spectrogram");
            specPane.setMinHeight(30);
            specPane.setPrefHeight(120);
            spec.fitWidthProperty().bind(specPane.widthProperty());
            spec.fitHeightProperty().bind(specPane.heightProperty());
            spec.setPreserveRatio(false);
            head.setMouseTransparent(true);
            specPane.getChildren().add(head);
            head.widthProperty().bind(specPane.widthProperty());
            head.heightProperty().bind(specPane.heightProperty());
            VBox.setVgrow(specPane, Priority.ALWAYS);
            getChildren().addAll(title, wavePane, specPane);
            wavePane.setOnMouseClicked(e -> onSeek.accept(e.getX() / Math.max(1, wavePane.getWidth())));
            specPane.setOnMouseClicked(e -> onSeek.accept(e.getX() / Math.max(1, specPane.getWidth())));
            setMinHeight(0);
        }

        void setName(String n) {
            name = n;
            title.setText(n);
        }

        String name() {
            return name;
        }

        void setOnSeek(java.util.function.DoubleConsumer c) {
            onSeek = c;
        }

        void clear() {
            peaks = null;
            spec.setImage(null);
            title.setText(name);
            drawWave();
        }

        void analyse(float[] s, Executor background) {
            CompletableFuture.supplyAsync(() -> new Object[] {AudioAnalysis.peaks(s, 1200),
                AudioAnalysis.spectrogram(s, 512, 1200)}, background).thenAcceptAsync(r -> {
                    peaks = (float[]) r[0];
                    spec.setImage(FxImages.of((Pixels.Argb) r[1]));
                    title.setText(name);
                    drawWave();
                }, Platform::runLater);
        }

        void showSpectrogram(Image img, String label) {
            spec.setImage(img);
            title.setText(label);
        }

        void setPlayhead(double f) {
            playhead = f;
            drawWave();
            GraphicsContext g = head.getGraphicsContext2D();
            g.clearRect(0, 0, head.getWidth(), head.getHeight());
            if (f >= 0) {
                g.setStroke(Color.web("#f8fafc"));
                g.strokeLine(f * head.getWidth(), 0, f * head.getWidth(), head.getHeight());
            }
        }

        private void drawWave() {
            GraphicsContext g = wave.getGraphicsContext2D();
            double w = wave.getWidth();
            double h = wave.getHeight();
            g.clearRect(0, 0, w, h);
            g.setFill(Color.web("#111318"));
            g.fillRoundRect(0, 0, w, h, 8, 8);
            if (peaks == null) {
                return;
            }
            int cols = peaks.length / 2;
            g.setStroke(Color.web("#60a5fa"));
            for (int x = 0; x < (int) w; x++) {
                int c = (int) ((long) x * cols / Math.max(1, (int) w));
                double lo = peaks[2 * c];
                double hi = peaks[2 * c + 1];
                g.strokeLine(x + 0.5, h / 2 - hi * h / 2, x + 0.5, h / 2 - lo * h / 2);
            }
            if (playhead >= 0) {
                g.setStroke(Color.WHITE);
                g.strokeLine(playhead * w, 0, playhead * w, h);
            }
        }
    }
}
