package dev.restora.core.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Python class reference ({@code sgmse.data_module.SpecsDataModule} stored as a hyper-parameter) or an inert
 * instance of an allowed data-only class ({@code argparse.Namespace}) found in a checkpoint. It is never
 * called: the reader does not run Python code. {@link #toString()} shows {@code module.name}.
 */
public final class PythonObjectPlaceholder {
    private final String module;
    private final String name;
    private final boolean instance;
    private final List<Object> args;
    private final Map<Object, Object> state = new LinkedHashMap<>();

    private PythonObjectPlaceholder(String module, String name, boolean instance, List<Object> args) {
        this.module = module;
        this.name = name;
        this.instance = instance;
        this.args = args;
    }

    /** A reference to a class or function (a pickle GLOBAL). */
    static PythonObjectPlaceholder reference(String module, String name) {
        return new PythonObjectPlaceholder(module, name, false, List.of());
    }

    /** An inert object of an allowed class, built without running its code. */
    static PythonObjectPlaceholder instance(PythonObjectPlaceholder cls, List<Object> args) {
        return new PythonObjectPlaceholder(cls.module, cls.name, true, Collections.unmodifiableList(args));
    }

    public String module() {
        return module;
    }

    public String name() {
        return name;
    }

    /** {@code module.name} */
    public String qualifiedName() {
        return module + "." + name;
    }

    /** True for an object of the class, false for a reference to the class itself. */
    public boolean isInstance() {
        return instance;
    }

    /** Constructor arguments of an instance (empty for a reference). */
    public List<Object> args() {
        return args;
    }

    /** Attributes of an instance as pickled ({@code __dict__}); empty for a reference. */
    public Map<Object, Object> state() {
        return Collections.unmodifiableMap(state);
    }

    /** The same object with converted arguments and state (for plain-value views). */
    PythonObjectPlaceholder converted(List<Object> newArgs, Map<?, ?> newState) {
        PythonObjectPlaceholder p = new PythonObjectPlaceholder(module, name, instance, Collections.unmodifiableList(newArgs));
        p.putState(newState);
        return p;
    }

    void putState(Map<?, ?> attributes) {
        state.putAll(attributes);
    }

    @Override
    public String toString() {
        return instance ? qualifiedName() + " object" : qualifiedName();
    }
}
