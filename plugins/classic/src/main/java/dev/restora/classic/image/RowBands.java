package dev.restora.classic.image;

import dev.restora.core.diffusion.CancellationToken;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Work split into bands of rows run in parallel on the common pool, checking cancellation before each band. */
final class RowBands {
    private RowBands() {
    }

    /** Runs {@code row} for every row in [0, rows), bands of {@code bandRows} rows at a time in parallel. */
    static void forEachRow(int rows, int bandRows, CancellationToken token, IntConsumer row) {
        int bands = (rows + bandRows - 1) / bandRows;
        IntStream.range(0, bands).parallel().forEach(b -> {
            if (token != null) {
                token.throwIfCancelled();
            }
            int end = Math.min(rows, (b + 1) * bandRows);
            for (int y = b * bandRows; y < end; y++) {
                row.accept(y);
            }
        });
    }
}
