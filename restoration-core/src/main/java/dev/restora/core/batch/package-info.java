/**
 * Batches: a {@link dev.restora.core.batch.BatchPlan} (the JSON the command line and the studio share), expanded into
 * {@link dev.restora.core.batch.BatchItem}s that mirror the input folders under the output folder, run one after
 * another by a {@link dev.restora.core.batch.BatchRunner} through a {@link dev.restora.core.batch.BatchItemProcessor}
 * ({@link dev.restora.core.batch.RestoreBatch} supplies the real one).
 *
 * <p>Files a run leaves in the output folder:
 * <pre>
 * out/
 *   restora-batch-report.json   per item: index, input, output, state, seconds, error, earlierRun (+ counts);
 *                               written once, when the run ends
 *   restora-batch-report.csv    index,input,output,state,seconds,error; a row appended as each item finishes
 *   restora-batch-report.jsonl  while running: one JSON line per finished item (deleted once the .json is written)
 *   .restora-batch.journal      JSON lines: started / done / failed per item (the resume record; locked while running)
 *   sub/name_pipeline.png       outputs; while being written: sub/.name_pipeline.png.restora-tmp.png
 * </pre>
 * Killed at any moment, a run leaves only complete outputs; the same batch run again finishes the rest.
 */
package dev.restora.core.batch;
