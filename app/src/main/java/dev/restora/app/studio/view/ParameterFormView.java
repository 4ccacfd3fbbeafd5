package dev.restora.app.studio.view;

import dev.restora.app.studio.model.ParameterForm;
import dev.restora.core.pipeline.ParameterSpec;
import java.util.Locale;
import java.util.Random;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The controls generated from a pipeline's parameter specs: whole numbers get a spinner (a slider too when the range
 * is short), decimals a slider with a value field, booleans a check box, choices a combo box, the seed a field with a
 * dice button. Edits go to the {@link ParameterForm}, which validates them.
 */
public final class ParameterFormView extends VBox {
    private final Random random = new Random();

    public ParameterFormView(ParameterForm form) {
        getStyleClass().add("parameter-form");
        setSpacing(10);
        if (form.fields().isEmpty()) {
            Label none = new Label("This pipeline has no parameters.");
            none.getStyleClass().add("muted");
            getChildren().add(none);
        }
        for (ParameterForm.Field f : form.fields()) {
            getChildren().add(row(f));
        }
    }

    private VBox row(ParameterForm.Field f) {
        Label label = new Label(f.spec().label());
        label.getStyleClass().add("field-label");
        Label error = new Label();
        error.getStyleClass().add("field-error");
        error.setWrapText(true);
        f.error().listen(e -> {
            error.setText(e == null ? "" : e);
            error.setManaged(e != null);
            error.setVisible(e != null);
        });
        javafx.scene.Node control = control(f);
        control.setId("param-" + f.spec().id());
        VBox box = new VBox(4, label, control, error);
        box.getStyleClass().add("field");
        if (f.spec().description() != null && !f.spec().description().isBlank()) {
            Tooltip.install(label, new Tooltip(f.spec().description()));
            Label help = new Label(f.spec().description());
            help.getStyleClass().add("field-help");
            help.setWrapText(true);
            box.getChildren().add(2, help);
        }
        return box;
    }

    private javafx.scene.Node control(ParameterForm.Field f) {
        switch (f.control()) {
            case INT -> {
                ParameterSpec.IntSpec s = (ParameterSpec.IntSpec) f.spec();
                Spinner<Integer> sp = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(s.min(), s.max(),
                        ((Number) f.value().get()).intValue()));
                sp.setEditable(true);
                sp.setPrefWidth(110);
                sp.valueProperty().addListener((o, a, b) -> {
                    if (b != null) {
                        f.set(b);
                    }
                });
                f.value().onChange(v -> sp.getValueFactory().setValue(((Number) v).intValue()));
                if (s.max() - s.min() <= 200) {
                    Slider sl = new Slider(s.min(), s.max(), ((Number) f.value().get()).intValue());
                    sl.setMajorTickUnit(Math.max(1, (s.max() - s.min()) / 4.0));
                    sl.setSnapToTicks(false);
                    sl.setBlockIncrement(1);
                    HBox.setHgrow(sl, Priority.ALWAYS);
                    sl.valueProperty().addListener((o, a, b) -> {
                        int v = (int) Math.round(b.doubleValue());
                        if (v != ((Number) f.value().get()).intValue()) {
                            f.set(v);
                        }
                    });
                    f.value().onChange(v -> sl.setValue(((Number) v).intValue()));
                    HBox h = new HBox(8, sl, sp);
                    h.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
                    return h;
                }
                return sp;
            }
            case DOUBLE -> {
                ParameterSpec.DoubleSpec s = (ParameterSpec.DoubleSpec) f.spec();
                Slider sl = new Slider(s.min(), s.max(), ((Number) f.value().get()).doubleValue());
                HBox.setHgrow(sl, Priority.ALWAYS);
                TextField tf = new TextField(fmt(((Number) f.value().get()).doubleValue()));
                tf.setPrefColumnCount(5);
                sl.valueProperty().addListener((o, a, b) -> {
                    double v = Math.round(b.doubleValue() * 1000) / 1000.0;
                    if (Math.abs(v - ((Number) f.value().get()).doubleValue()) > 1e-9) {
                        f.set(v);
                    }
                });
                tf.setOnAction(e -> f.set(tf.getText()));
                tf.focusedProperty().addListener((o, a, b) -> {
                    if (!b) {
                        f.set(tf.getText());
                    }
                });
                f.value().onChange(v -> {
                    double d = ((Number) v).doubleValue();
                    tf.setText(fmt(d));
                    if (Math.abs(sl.getValue() - d) > 1e-9) {
                        sl.setValue(d);
                    }
                });
                HBox h = new HBox(8, sl, tf);
                h.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
                return h;
            }
            case BOOL -> {
                CheckBox cb = new CheckBox(f.spec().label());
                cb.setSelected(Boolean.TRUE.equals(f.value().get()));
                cb.selectedProperty().addListener((o, a, b) -> f.set(b));
                f.value().onChange(v -> cb.setSelected(Boolean.TRUE.equals(v)));
                return cb;
            }
            case CHOICE -> {
                ParameterSpec.ChoiceSpec s = (ParameterSpec.ChoiceSpec) f.spec();
                ComboBox<String> cb = new ComboBox<>();
                cb.getItems().setAll(s.choices());
                cb.setValue((String) f.value().get());
                cb.setMaxWidth(Double.MAX_VALUE);
                cb.valueProperty().addListener((o, a, b) -> {
                    if (b != null) {
                        f.set(b);
                    }
                });
                f.value().onChange(v -> cb.setValue((String) v));
                return cb;
            }
            case SEED -> {
                TextField tf = new TextField(seedText(f.value().get()));
                tf.setPromptText("random");
                HBox.setHgrow(tf, Priority.ALWAYS);
                Button dice = new Button();
                dice.setGraphic(Icons.of(Icons.DICE, 16));
                dice.setTooltip(new Tooltip("Roll a new seed"));
                dice.getStyleClass().add("icon-button");
                dice.setId("seed-dice");
                dice.setOnAction(e -> f.rollSeed(random));
                Button clear = new Button("Random");
                clear.setTooltip(new Tooltip("Pick a fresh seed at every run"));
                clear.setOnAction(e -> f.set(-1L));
                tf.setOnAction(e -> f.set(tf.getText().isBlank() ? "-1" : tf.getText()));
                tf.focusedProperty().addListener((o, a, b) -> {
                    if (!b) {
                        f.set(tf.getText().isBlank() ? "-1" : tf.getText());
                    }
                });
                f.value().onChange(v -> tf.setText(seedText(v)));
                HBox h = new HBox(6, tf, dice, clear);
                h.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
                return h;
            }
            default -> {
                TextField tf = new TextField(String.valueOf(f.value().get() == null ? "" : f.value().get()));
                tf.setOnAction(e -> f.set(tf.getText()));
                tf.focusedProperty().addListener((o, a, b) -> {
                    if (!b) {
                        f.set(tf.getText());
                    }
                });
                return tf;
            }
        }
    }

    private static String seedText(Object v) {
        long s = v == null ? -1 : ((Number) v).longValue();
        return s < 0 ? "" : Long.toString(s);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
