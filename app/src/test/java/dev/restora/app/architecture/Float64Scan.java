package dev.restora.app.architecture;

import dev.restora.core.engine.CpuFloat64;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * Reads compiled classes and finds every place that makes a float64 array for DJL, which Apple's MPS device refuses
 * (see {@link CpuFloat64}). DJL 0.35.1's {@code PtNDArray.add/sub/mul/div/pow/maximum/minimum/eq/...(Number)} and
 * {@code JniUtils.clip(Number, Number)} turn their scalar into {@code manager.create(n)}, and
 * {@code NDManager.create(Number)} makes a {@code Double} a FLOAT64 scalar on the array's device; so a Java
 * {@code double} passed where DJL takes a {@code Number} is a float64 tensor. Found:
 * <ul>
 *   <li>a call into {@code ai.djl} whose {@code Number} parameter receives a {@code java.lang.Double} (the verifier's
 *       static type of the stack slot), or a value typed only {@code Number} that may be one;</li>
 *   <li>a {@code create} call into {@code ai.djl} with a {@code double}, {@code double[]} or {@code double[][]}
 *       parameter; ({@code pad(Shape, double)} and {@code normalize(double, ...)} hand libtorch a scalar, not a
 *       tensor, and {@code percentile(Number)} takes its {@code floatValue()}: these are fine);</li>
 *   <li>a {@code DoubleBuffer} passed where DJL takes a {@code Buffer} (it becomes a FLOAT64 array);</li>
 *   <li>a read of {@code DataType.FLOAT64}.</li>
 * </ul>
 * Methods annotated {@link CpuFloat64} (and the lambdas inside them) are exempt: they keep their float64 on the CPU.
 */
final class Float64Scan {
    private static final String ANNOTATION = Type.getDescriptor(CpuFloat64.class);

    /** One finding: class, source line, method and what was called. */
    record Finding(String className, int line, String method, String what) {
        @Override
        public String toString() {
            return className + ":" + line + " (" + method + "): " + what;
        }
    }

    private final ClassLoader loader;

    Float64Scan(ClassLoader loader) {
        this.loader = loader;
    }

    /** Every finding in the {@code .class} files under {@code root}. */
    List<Finding> scanTree(Path root) {
        List<Finding> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.addAll(scan(in.readAllBytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every finding in one class. */
    List<Finding> scanClass(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return scan(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Finding> scan(byte[] bytes) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        Set<String> exempt = new HashSet<>();
        for (MethodNode m : cn.methods) {
            if (annotated(m)) {
                exempt.add(m.name);
            }
        }
        List<Finding> out = new ArrayList<>();
        String className = cn.name.replace('/', '.');
        for (MethodNode m : cn.methods) {
            if (exempt.contains(m.name) || exempt.contains(enclosingOfLambda(m.name))) {
                continue;
            }
            scanMethod(cn, m, className, out);
        }
        return out;
    }

    private static boolean annotated(MethodNode m) {
        for (List<AnnotationNode> list : java.util.Arrays.asList(m.invisibleAnnotations, m.visibleAnnotations)) {
            if (list != null && list.stream().anyMatch(a -> a.desc.equals(ANNOTATION))) {
                return true;
            }
        }
        return false;
    }

    /** {@code lambda$forward$3} lives in {@code forward}. */
    private static String enclosingOfLambda(String name) {
        if (!name.startsWith("lambda$")) {
            return null;
        }
        int end = name.lastIndexOf('$');
        return end > 7 ? name.substring(7, end) : null;
    }

    private void scanMethod(ClassNode cn, MethodNode m, String className, List<Finding> out) {
        Frame<BasicValue>[] frames = null;
        boolean needsFrames = false;
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof MethodInsnNode call && isDjl(call.owner) && takesNumber(call.desc)) {
                needsFrames = true;
                break;
            }
        }
        if (needsFrames) {
            SimpleVerifier verifier = new SimpleVerifier(Type.getObjectType(cn.name),
                    cn.superName == null ? null : Type.getObjectType(cn.superName),
                    cn.interfaces.stream().map(Type::getObjectType).toList(),
                    (cn.access & Opcodes.ACC_INTERFACE) != 0);
            verifier.setClassLoader(loader);
            try {
                frames = new Analyzer<>(verifier).analyze(cn.name, m);
            } catch (AnalyzerException e) {
                throw new IllegalStateException("cannot analyse " + className + "." + m.name + ": " + e.getMessage(), e);
            }
        }
        int line = -1;
        AbstractInsnNode[] insns = m.instructions.toArray();
        for (int i = 0; i < insns.length; i++) {
            AbstractInsnNode insn = insns[i];
            if (insn instanceof LineNumberNode ln) {
                line = ln.line;
            } else if (insn instanceof FieldInsnNode f && f.getOpcode() == Opcodes.GETSTATIC
                    && f.owner.equals("ai/djl/ndarray/types/DataType") && f.name.equals("FLOAT64")) {
                out.add(new Finding(className, line, m.name, "DataType.FLOAT64"));
            } else if (insn instanceof MethodInsnNode call && isDjl(call.owner)) {
                Type[] args = Type.getArgumentTypes(call.desc);
                String called = simpleName(call.owner) + "." + call.name + call.desc;
                for (Type a : args) {
                    if (call.name.equals("create") && a.getDescriptor().matches("\\[*D")) {
                        out.add(new Finding(className, line, m.name, called + " takes " + a.getClassName()));
                    }
                }
                if (takesNumber(call.desc) && !call.name.equals("percentile") && frames != null && frames[i] != null) {
                    Frame<BasicValue> frame = frames[i];
                    int top = frame.getStackSize();
                    for (int k = args.length - 1, slot = top - 1; k >= 0; k--, slot--) {
                        if (args[k].getDescriptor().equals("Ljava/nio/Buffer;")) {
                            Type actual = frame.getStack(slot).getType();
                            if (actual != null && actual.getDescriptor().equals("Ljava/nio/DoubleBuffer;")) {
                                out.add(new Finding(className, line, m.name,
                                        called + " gets a DoubleBuffer (argument " + (k + 1) + ")"));
                            }
                        }
                        if (args[k].getDescriptor().equals("Ljava/lang/Number;")) {
                            Type actual = frame.getStack(slot).getType();
                            String d = actual == null ? "" : actual.getDescriptor();
                            if (d.equals("Ljava/lang/Double;")) {
                                out.add(new Finding(className, line, m.name,
                                        called + " gets a Double (argument " + (k + 1) + ")"));
                            } else if (d.equals("Ljava/lang/Number;") || d.equals("Ljava/lang/Object;")) {
                                out.add(new Finding(className, line, m.name, called + " gets a " + actual.getClassName()
                                        + " that may be a Double (argument " + (k + 1) + "): pass a float"));
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean isDjl(String owner) {
        return owner.startsWith("ai/djl/");
    }

    private static boolean takesNumber(String desc) {
        String params = desc.substring(0, desc.indexOf(')'));
        return params.contains("Ljava/lang/Number;") || params.contains("Ljava/nio/Buffer;");
    }

    private static String simpleName(String owner) {
        return owner.substring(owner.lastIndexOf('/') + 1);
    }
}
