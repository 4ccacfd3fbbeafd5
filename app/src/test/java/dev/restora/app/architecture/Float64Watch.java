package dev.restora.app.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.restora.core.engine.CpuFloat64;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Executable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Sees every array DJL's PyTorch engine makes (advice on {@code PtNDArray}'s constructors, installed once through
 * ByteBuddy's agent) while {@link #record} runs, and keeps each float64 one whose stack has no {@link CpuFloat64}
 * method: the arrays Apple's MPS would refuse, including the float64 scalars DJL makes inside its own
 * {@code mul(Number)}, {@code clip(Number, Number)}, ... which close again at once.
 */
public final class Float64Watch {
    private static volatile boolean installed;
    private static volatile boolean recording;
    private static final List<String> FOUND = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Float64Watch() {
    }

    /** Runs {@code work} and returns one line per float64 array made outside the CPU-only parts. */
    public static synchronized List<String> record(Runnable work) {
        install();
        FOUND.clear();
        recording = true;
        try {
            work.run();
        } finally {
            recording = false;
        }
        return new ArrayList<>(FOUND);
    }

    private static void install() {
        if (installed) {
            return;
        }
        Instrumentation inst = ByteBuddyAgent.install();
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .type(ElementMatchers.named("ai.djl.pytorch.engine.PtNDArray"))
                .transform((builder, type, loader, module, domain) -> builder.visit(
                        Advice.to(Made.class).on(ElementMatchers.isConstructor())))
                .installOn(inst);
        installed = true;
    }

    /** Inlined at the end of every {@code PtNDArray} constructor. */
    static final class Made {
        @Advice.OnMethodExit
        static void exit(@Advice.This Object array) {
            Float64Watch.made(array);
        }
    }

    /** Called by the advice (public: the advice is inlined into DJL's class). */
    public static void made(Object array) {
        if (!recording || INSIDE.get() || !(array instanceof NDArray a)) {
            return;
        }
        INSIDE.set(true);
        try {
            if (a.getDataType() != DataType.FLOAT64) {
                return;
            }
            StackTraceElement[] stack = new Throwable().getStackTrace();
            if (Arrays.stream(stack).anyMatch(Float64Watch::cpuOnly)) {
                return;
            }
            String ours = Arrays.stream(stack).filter(f -> f.getClassName().startsWith("dev.restora.")
                    && !f.getClassName().equals(Float64Watch.class.getName())).findFirst()
                    .map(StackTraceElement::toString).orElse("?");
            String djl = Stream.of(stack).filter(f -> f.getClassName().startsWith("ai.djl."))
                    .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                            + f.getMethodName()).distinct().limit(6).collect(Collectors.joining(" < "));
            FOUND.add("float64 " + a.getShape() + " on " + a.getDevice() + " made at " + ours + " (" + djl + ")");
        } catch (RuntimeException e) {
            // an array without a native tensor yet (a string array): not ours to judge
        } finally {
            INSIDE.set(false);
        }
    }

    private static boolean cpuOnly(StackTraceElement f) {
        if (!f.getClassName().startsWith("dev.restora.")) {
            return false;
        }
        String name = f.getMethodName();
        if (name.startsWith("lambda$")) {
            int end = name.lastIndexOf('$');
            name = end > 7 ? name.substring(7, end) : name;
        }
        try {
            Class<?> c = Class.forName(f.getClassName(), false, Float64Watch.class.getClassLoader());
            List<Executable> all = new ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
            all.addAll(Arrays.asList(c.getDeclaredConstructors()));
            for (Executable e : all) {
                String n = e instanceof java.lang.reflect.Constructor<?> ? "<init>" : e.getName();
                if (n.equals(name) && e.isAnnotationPresent(CpuFloat64.class)) {
                    return true;
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        return false;
    }
}
