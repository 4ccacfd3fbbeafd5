package dev.restora.spark;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.restora.core.batch.BatchNaming;
import dev.restora.core.batch.BatchRunner;
import dev.restora.core.batch.OverwritePolicy;
import dev.restora.core.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Exactly-once outputs on any Hadoop file system.
 *
 * <p>An item is committed in two steps. First its commit record ({@code <out>/.restora-commits/<relative
 * output>.json}: input, output, size, SHA-256, plan fingerprint) is written under a temporary name and renamed into
 * place; then the output, complete under a temporary name beside its final one ({@code .NAME.restora-tmp-<attempt>
 * .EXT}), is renamed to its final name. That rename is the commit point: readers see a whole output or none.
 *
 * <p>An output <em>verifies</em> when it exists, its record exists and names the same input and plan fingerprint,
 * and the output's size and SHA-256 are the record's. A re-run skips verified items; one killed between the two
 * renames (record, no output) or whose output was changed since is redone. An existing output without a record of
 * this input was not made by this plan, and the plan's overwrite policy decides (skip it, replace it, or write
 * {@code NAME_2.EXT}).
 */
final class OutputCommitter {
    static final String COMMITTED = "committed by an earlier run";
    private static final Gson GSON = new Gson();

    /** What a commit record holds. */
    record CommitRecord(String input, String output, long bytes, String sha256, String fingerprint,
                        String committedAt) {
        long committedMillis() {
            try {
                return Instant.parse(committedAt).toEpochMilli();
            } catch (RuntimeException e) {
                return 0;
            }
        }
    }

    /**
     * Where an item goes.
     *
     * @param target      the output file to write, or the verified one when {@code skip} is set
     * @param skip        null to run the item, else why it is skipped
     * @param committed   the verified commit record when the output was committed earlier, else null
     */
    record Decision(Path target, String skip, CommitRecord committed) {
    }

    private final Configuration conf;
    private final Path outputRoot;
    private final String fingerprint;
    private final OverwritePolicy policy;

    OutputCommitter(Configuration conf, Path outputRoot, String fingerprint, OverwritePolicy policy) {
        this.conf = conf;
        this.outputRoot = outputRoot;
        this.fingerprint = fingerprint;
        this.policy = policy;
    }

    /** Decides whether the item runs and where its output goes. */
    Decision decide(SparkItem item) throws IOException {
        Path planned = new Path(item.output());
        FileSystem fs = HadoopFiles.fs(planned, conf);
        CommitRecord done = verified(fs, item, planned);
        if (done != null) {
            return new Decision(planned, COMMITTED, done);
        }
        if (!fs.exists(planned) || readRecord(fs, planned, item) != null) {
            return new Decision(planned, null, null); // free, or ours but unverified: (re)do it
        }
        return switch (policy) {
            case SKIP -> new Decision(planned, "the output exists and the plan's overwrite policy is skip", null);
            case OVERWRITE -> new Decision(planned, null, null);
            case RENAME -> renamed(fs, item, planned);
        };
    }

    private Decision renamed(FileSystem fs, SparkItem item, Path planned) throws IOException {
        String name = planned.getName();
        String base = BatchNaming.baseName(name);
        String ext = BatchNaming.extension(name);
        for (int n = 2; ; n++) {
            Path p = new Path(planned.getParent(), base + "_" + n + (ext.isEmpty() ? "" : "." + ext));
            CommitRecord done = verified(fs, item, p);
            if (done != null) {
                return new Decision(p, COMMITTED, done);
            }
            if (!fs.exists(p) || readRecord(fs, p, item) != null) {
                return new Decision(p, null, null);
            }
        }
    }

    /** The commit record when the output verifies against it for this item and plan, else null. */
    CommitRecord verified(FileSystem fs, SparkItem item, Path output) throws IOException {
        CommitRecord r = readRecord(fs, output, item);
        if (r == null || !fs.exists(output) || fs.getFileStatus(output).getLen() != r.bytes()) {
            return null;
        }
        return HadoopFiles.sha256(fs, output).equals(r.sha256()) ? r : null;
    }

    /** This item's record for {@code output} under this plan, or null (absent, unreadable, another input/plan). */
    private CommitRecord readRecord(FileSystem fs, Path output, SparkItem item) throws IOException {
        Path rp = recordPath(output);
        if (!fs.exists(rp)) {
            return null;
        }
        CommitRecord r;
        try (InputStream in = fs.open(rp)) {
            r = GSON.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), CommitRecord.class);
        } catch (JsonParseException e) {
            return null;
        }
        return r != null && item.input().equals(r.input()) && fingerprint.equals(r.fingerprint()) ? r : null;
    }

    Path recordPath(Path output) {
        String root = outputRoot.toUri().getPath();
        String file = output.toUri().getPath();
        String rel = file.startsWith(root + "/") ? file.substring(root.length() + 1) : output.getName();
        return new Path(new Path(outputRoot, JobSettings.COMMITS_DIR), rel + ".json");
    }

    /**
     * Where the pipeline writes the item: the temporary name beside the target when the target is local (the
     * commit is then one rename), else a file in {@code localTmp} that {@link #commit} uploads.
     */
    java.nio.file.Path staging(Path target, String attempt, java.nio.file.Path localTmp) {
        Path tmp = temporary(target, attempt);
        return HadoopFiles.isLocal(target) ? HadoopFiles.local(tmp) : localTmp.resolve(tmp.getName().substring(1));
    }

    /**
     * Commits a finished output: record first, then the output renamed into place.
     *
     * @param staged the complete output, where {@link #staging} said
     */
    void commit(SparkItem item, java.nio.file.Path staged, Path target, String sha256, String attempt)
            throws IOException {
        Path rp = recordPath(target);
        if (HadoopFiles.isLocal(target)) {
            // the core's atomic files: no chmod per file (Hadoop's local file system forks one without native code)
            CommitRecord r = new CommitRecord(item.input(), target.toString(), Files.size(staged), sha256, fingerprint,
                    Instant.now().toString());
            AtomicFiles.writeString(HadoopFiles.local(rp), GSON.toJson(r));
            AtomicFiles.moveIntoPlace(staged, HadoopFiles.local(target));
            return;
        }
        FileSystem fs = HadoopFiles.fs(target, conf);
        fs.mkdirs(target.getParent());
        Path tmp = temporary(target, attempt);
        fs.copyFromLocalFile(false, true, new Path(staged.toUri()), tmp);
        CommitRecord r = new CommitRecord(item.input(), target.toString(), fs.getFileStatus(tmp).getLen(), sha256,
                fingerprint, Instant.now().toString());
        Path rtmp = new Path(rp.getParent(), "." + rp.getName() + BatchRunner.TEMP_MARK + "-" + attempt);
        fs.mkdirs(rp.getParent());
        try (OutputStream out = fs.create(rtmp, true)) {
            out.write(GSON.toJson(r).getBytes(StandardCharsets.UTF_8));
        }
        HadoopFiles.replace(fs, rtmp, rp);
        HadoopFiles.replace(fs, tmp, target);
    }

    /** Deletes what a failed attempt left of this item (its staged output); best effort. */
    void abort(java.nio.file.Path staged, Path target, String attempt) {
        try {
            Files.deleteIfExists(staged);
            if (!HadoopFiles.isLocal(target)) {
                HadoopFiles.fs(target, conf).delete(temporary(target, attempt), false);
            }
        } catch (IOException | RuntimeException ignored) {
            // the temporary names are hidden and marked; a later run overwrites or ignores them
        }
    }

    /**
     * Deletes the temporary files a killed run left below the output folder (the job owns its output folder while
     * it runs: two jobs must not write into one folder at once); returns how many.
     */
    static int deleteStaleTemporaries(FileSystem fs, Path outputRoot) throws IOException {
        if (!fs.exists(outputRoot)) {
            return 0;
        }
        int n = 0;
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(outputRoot, true);
        java.util.List<Path> stale = new java.util.ArrayList<>();
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (p.getName().contains(BatchRunner.TEMP_MARK)) {
                stale.add(p);
            }
        }
        for (Path p : stale) {
            if (fs.delete(p, false)) {
                n++;
            }
        }
        return n;
    }

    /** {@code .NAME.restora-tmp-ATTEMPT.EXT} beside the target (hidden, marked, never taken as an input). */
    static Path temporary(Path target, String attempt) {
        String name = target.getName();
        return new Path(target.getParent(), "." + name + BatchRunner.TEMP_MARK + "-" + attempt + "."
                + BatchNaming.extension(name));
    }
}
