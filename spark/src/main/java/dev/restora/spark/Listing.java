package dev.restora.spark;

import dev.restora.core.RestoraException;
import dev.restora.core.batch.BatchExpansion;
import dev.restora.core.batch.BatchNaming;
import dev.restora.core.batch.BatchRunner;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The files of a listing, on any Hadoop file system, each with the relative path its output mirrors:
 * <ul>
 *   <li>a folder: its image and audio files (recursively when the plan says so), relative to it;</li>
 *   <li>a glob ({@code hdfs:///scans/19??/*.tif}): the matching files (matching folders are walked), relative to the
 *       pattern's last folder without wildcards;</li>
 *   <li>a Parquet file or data set ({@code .parquet}, content starting {@code PAR1}, or a folder of part files with
 *       {@code _SUCCESS}): the column {@code path} (else the first string column), one path per row;</li>
 *   <li>any other file: a text listing, one path per line ({@code #} comments and blank lines ignored).</li>
 * </ul>
 * Paths in a text or Parquet listing that are relative resolve against the listing's folder; they mirror their
 * common parent folder. Hidden files ({@code .x}, {@code _x}), the job's temporary files and anything inside the
 * output folder are left out of folder and glob listings; a file named in a text or Parquet listing is taken
 * whatever its extension.
 */
final class Listing {
    /** A listed input file, fully qualified, with the path its output mirrors. */
    record Listed(Path file, String relative) {
    }

    private final Configuration conf;
    private final SparkSession spark;
    private final Path outputRoot;
    private final boolean recursive;

    Listing(SparkSession spark, Configuration conf, Path outputRoot, boolean recursive) {
        this.spark = spark;
        this.conf = conf;
        this.outputRoot = outputRoot;
        this.recursive = recursive;
    }

    /** The files of one listing; a {@link RestoraException} naming it when it is missing or unreadable. */
    List<Listed> expand(String listing) {
        try {
            Path p = new Path(listing);
            FileSystem fs = HadoopFiles.fs(p, conf);
            p = fs.makeQualified(p);
            if (hasGlob(listing)) {
                return glob(fs, p, listing);
            }
            if (!fs.exists(p)) {
                throw new RestoraException(listing + ": no such file or folder");
            }
            FileStatus st = fs.getFileStatus(p);
            if (st.isDirectory() && !isParquetDataset(fs, p)) {
                return walk(fs, p, p);
            }
            List<Path> named = isParquet(fs, p) ? parquet(p) : text(fs, p);
            return mirrorCommonParent(named);
        } catch (FileNotFoundException e) {
            throw new RestoraException(listing + ": no such file or folder", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RestoraException) {
                throw (RestoraException) e;
            }
            throw new RestoraException(listing + ": cannot read the listing (" + firstLine(e) + ")", e);
        }
    }

    private List<Listed> glob(FileSystem fs, Path pattern, String listing) throws IOException {
        FileStatus[] matches = fs.globStatus(pattern);
        if (matches == null || matches.length == 0) {
            throw new RestoraException(listing + ": no file matches");
        }
        Path base = pattern;
        while (base.getParent() != null && hasGlob(base.toUri().getPath())) {
            base = base.getParent();
        }
        List<Listed> out = new ArrayList<>();
        for (FileStatus m : matches) {
            if (m.isDirectory()) {
                out.addAll(walk(fs, m.getPath(), base));
            } else if (!hidden(relative(base, m.getPath()))) {
                out.add(new Listed(m.getPath(), relative(base, m.getPath())));
            }
        }
        out.sort(Comparator.comparing(Listed::relative));
        return out;
    }

    private List<Listed> walk(FileSystem fs, Path dir, Path base) throws IOException {
        List<Listed> out = new ArrayList<>();
        String outRoot = outputRoot.toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, recursive);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String rel = relative(base, f.getPath());
            String path = f.getPath().toUri().getPath();
            if (!f.isFile() || hidden(rel) || path.startsWith(outRoot + "/")
                    || !BatchExpansion.MEDIA.test(java.nio.file.Path.of(f.getPath().getName()))) {
                continue;
            }
            out.add(new Listed(f.getPath(), rel));
        }
        out.sort(Comparator.comparing(Listed::relative));
        return out;
    }

    /** A folder Spark or another engine wrote as one Parquet data set: named {@code *.parquet}, or committed. */
    private static boolean isParquetDataset(FileSystem fs, Path dir) throws IOException {
        return BatchNaming.extension(dir.getName()).equals("parquet") || fs.exists(new Path(dir, "_SUCCESS"))
                && fs.globStatus(new Path(dir, "*.parquet")).length > 0;
    }

    private static boolean isParquet(FileSystem fs, Path p) throws IOException {
        if (BatchNaming.extension(p.getName()).equals("parquet") || fs.getFileStatus(p).isDirectory()) {
            return true;
        }
        byte[] magic = new byte[4];
        try (InputStream in = fs.open(p)) {
            return in.readNBytes(magic, 0, 4) == 4 && new String(magic, StandardCharsets.US_ASCII).equals("PAR1");
        }
    }

    private List<Path> parquet(Path p) throws IOException {
        Dataset<Row> df = spark.read().parquet(p.toString());
        String column = null;
        for (StructField f : df.schema().fields()) {
            if (f.dataType().equals(DataTypes.StringType) && (column == null || f.name().equals("path"))) {
                column = f.name();
            }
        }
        if (column == null) {
            throw new RestoraException(p + ": the Parquet listing has no string column of paths (e.g. 'path')");
        }
        List<Path> out = new ArrayList<>();
        for (Row r : df.select(column).collectAsList()) {
            if (!r.isNullAt(0) && !r.getString(0).isBlank()) {
                out.add(resolve(p, r.getString(0).trim()));
            }
        }
        return out;
    }

    private List<Path> text(FileSystem fs, Path p) throws IOException {
        List<Path> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(resolve(p, t));
                }
            }
        }
        return out;
    }

    /** A listed path, qualified; relative ones against the listing's folder. */
    private Path resolve(Path listing, String entry) throws IOException {
        Path e = new Path(entry);
        Path abs = e.isAbsolute() || e.toUri().getScheme() != null ? e : new Path(listing.getParent(), e);
        return HadoopFiles.fs(abs, conf).makeQualified(abs);
    }

    private static List<Listed> mirrorCommonParent(List<Path> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        Path common = files.get(0).getParent();
        for (Path f : files) {
            while (common != null && !isUnder(f, common)) {
                common = common.getParent();
            }
        }
        List<Listed> out = new ArrayList<>();
        for (Path f : files) {
            out.add(new Listed(f, common == null ? f.getName() : relative(common, f)));
        }
        return out;
    }

    private static boolean isUnder(Path file, Path dir) {
        String d = dir.toUri().getPath();
        return java.util.Objects.equals(file.toUri().getAuthority(), dir.toUri().getAuthority())
                && java.util.Objects.equals(file.toUri().getScheme(), dir.toUri().getScheme())
                && file.toUri().getPath().startsWith(d.endsWith("/") ? d : d + "/");
    }

    static String relative(Path base, Path file) {
        String b = base.toUri().getPath();
        String f = file.toUri().getPath();
        String prefix = b.endsWith("/") ? b : b + "/";
        return f.startsWith(prefix) ? f.substring(prefix.length()) : file.getName();
    }

    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith(".") || part.startsWith("_") || part.contains(BatchRunner.TEMP_MARK)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
